using System.Security.Cryptography;
using System.Text;
using Reporting.Format.Age;
using Reporting.Testing;
using Xunit;

namespace Reporting.Format.Tests.Age;

/// <summary>Post-quantum hybrid (mlkem768x25519) keys and envelopes, beyond what the shared vectors cover:
/// our own sealing, key strings, identity files holding both kinds, and the refused mix.</summary>
public sealed class HybridKeyTests
{
    // From the age test vectors: a known hybrid identity.
    const string Secret = "AGE-SECRET-KEY-PQ-1HZLGZUPT4ETPKDEV8HSGFDCYZ4E522W0A7PU2LHT8EH9W6YLNC3SW78XKG";

    [Theory]
    [InlineData(0, false, false)]
    [InlineData(65536, true, false)]
    [InlineData(200_000, false, true)]
    public void RoundTrip_ToSeveralHybridRecipients_EachOpens(int size, bool armor, bool parallel)
    {
        using var alice = HybridIdentity.Generate();
        using var bob = HybridIdentity.Generate();
        byte[] plaintext = RandomNumberGenerator.GetBytes(size);

        byte[] sealedFile = AgeInMemory.Seal(plaintext, [alice.Recipient, bob.Recipient], armor, parallel);

        Assert.Equal(plaintext, AgeInMemory.Open(sealedFile, [alice], parallel));
        Assert.Equal(plaintext, AgeInMemory.Open(sealedFile, [bob], parallel));
        using var stranger = HybridIdentity.Generate();
        using var classic = X25519Identity.Generate();
        Assert.Equal(AgeFailure.NoIdentityMatched,
            Assert.Throws<AgeException>(() => AgeInMemory.Open(sealedFile, [stranger, classic], parallel)).Failure);
    }

    [Fact]
    public void Stanza_IsOneArgumentOf1120Bytes_AndABodyOf32()
    {
        using var alice = HybridIdentity.Generate();
        byte[] sealedFile = AgeInMemory.Seal([1, 2, 3], [alice.Recipient], armor: false, parallel: false);

        var stanza = Assert.Single(AgeHeader.Parse(new MemoryStream(sealedFile)).Stanzas);
        Assert.Equal("mlkem768x25519", stanza.Type);
        Assert.Equal(1494, Assert.Single(stanza.Arguments).Length);
        Assert.Equal(32, stanza.Body.Length);
    }

    [Fact]
    public void Seal_ToAMixOfHybridAndClassicRecipients_IsRefused()
    {
        using var hybrid = HybridIdentity.Generate();
        using var classic = X25519Identity.Generate();

        var e = Assert.Throws<ArgumentException>(() => AgeInMemory.Seal([1], [hybrid.Recipient, classic.Recipient], armor: false, parallel: false));
        Assert.Contains("must not be mixed", e.Message);
        Assert.Throws<ArgumentException>(() => AgeInMemory.Seal([1], [classic.Recipient, hybrid.Recipient], armor: false, parallel: true));
    }

    [Fact]
    public void Identity_ExportsAndParsesBack_ToTheSameRecipient()
    {
        using var known = HybridIdentity.Parse(Secret);
        Assert.Equal(Secret, known.Export());
        string recipient = known.Recipient.ToString();
        Assert.StartsWith("age1pq1", recipient);
        Assert.Equal(recipient, HybridRecipient.Parse(recipient).ToString());
        Assert.Equal(recipient, AgeKeys.ParseRecipient(recipient).ToString());
        Assert.Equal(KeyKind.Hybrid, AgeKeys.KindOf(recipient));

        using var fresh = HybridIdentity.Generate();
        using var again = AgeKeys.ParseIdentity(fresh.Export());
        Assert.IsType<HybridIdentity>(again);
        Assert.Equal(fresh.Recipient.ToString(), again.Recipient.ToString());
    }

    [Fact]
    public void Keys_OfOneKind_AreNotTakenForTheOther_AndSaySo()
    {
        using var hybrid = HybridIdentity.Parse(Secret);
        string recipient = hybrid.Recipient.ToString();

        Assert.Contains("post-quantum", Assert.Throws<AgeException>(() => X25519Recipient.Parse(recipient)).Message);
        Assert.Contains("post-quantum", Assert.Throws<AgeException>(() => X25519Identity.Parse(Secret)).Message);
        Assert.Equal(AgeFailure.InvalidKey, Assert.Throws<AgeException>(() => HybridIdentity.Parse(recipient)).Failure);
        Assert.Equal(AgeFailure.InvalidKey, Assert.Throws<AgeException>(() => HybridRecipient.Parse(Secret)).Failure);
        // A damaged key is a checksum problem; a key of an unknown kind is not.
        Assert.Contains("checksum", Assert.Throws<AgeException>(() => AgeKeys.ParseRecipient(recipient[..^1] + (recipient[^1] == 'q' ? 'p' : 'q'))).Message);
        string plugin = Bech32.Encode("age1yubikey", new byte[33]);
        Assert.Contains("do not support", Assert.Throws<AgeException>(() => AgeKeys.ParseRecipient(plugin)).Message);
    }

    [Fact]
    public void Recipient_WhoseMlKemKeyIsOutOfRange_CannotBeSealedTo()
    {
        // Every coefficient 0xFFF, above q = 3329: FIPS 203's input check refuses such an encapsulation key.
        var recipient = HybridRecipient.Parse(Bech32.Encode("age1pq", Enumerable.Repeat((byte)0xFF, 1216).ToArray()));

        Assert.Equal(AgeFailure.InvalidKey, Assert.Throws<AgeException>(() => AgeInMemory.Seal([1], [recipient], armor: false, parallel: false)).Failure);
    }

    [Fact]
    public void IdentityFile_HoldsBothKinds_AndEachOpensItsOwn()
    {
        using var hybrid = HybridIdentity.Generate();
        using var classic = X25519Identity.Generate();
        string text = $"# hybrid\n{hybrid.Export()}\n# classic\n{classic.Export()}\n";

        var identities = IdentityFile.Parse(Encoding.ASCII.GetBytes(text));
        try
        {
            Assert.Equal(2, identities.Count);
            byte[] toHybrid = AgeInMemory.Seal([7], [hybrid.Recipient], armor: false, parallel: false);
            byte[] toClassic = AgeInMemory.Seal([8], [classic.Recipient], armor: false, parallel: false);
            Assert.Equal([7], AgeInMemory.Open(toHybrid, identities, parallel: false));
            Assert.Equal([8], AgeInMemory.Open(toClassic, identities, parallel: false));
        }
        finally
        {
            foreach (var identity in identities) identity.Dispose();
        }
    }

    [Fact]
    public void IdentityFile_WithAPluginLine_SaysWhichLineAndWhy_WithoutEchoingIt()
    {
        string plugin = Bech32.Encode("AGE-PLUGIN-YUBIKEY-", new byte[20]);

        var e = Assert.Throws<AgeException>(() => IdentityFile.Parse(Encoding.ASCII.GetBytes($"{Secret}\n{plugin}\n")));
        Assert.Contains("line 2", e.Message);
        Assert.Contains("plugin", e.Message);
        Assert.DoesNotContain(plugin, e.Message);
    }
}
