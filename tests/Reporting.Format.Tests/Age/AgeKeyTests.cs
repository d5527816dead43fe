using System.Text;
using Reporting.Format.Age;
using Xunit;

namespace Reporting.Format.Tests.Age;

/// <summary>Key strings and identity files.</summary>
public sealed class AgeKeyTests
{
    // From the age test vectors: a known identity and its recipient.
    private const string Secret = "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0";

    [Fact]
    public void Bech32_RejectsMixedCase_BadChecksum_AndBadCharacters()
    {
        Assert.True(Bech32.TryDecode(Secret, out string hrp, out byte[] data));
        Assert.Equal("AGE-SECRET-KEY-", hrp);
        Assert.Equal(32, data.Length);
        Assert.True(Bech32.TryDecode(Secret.ToLowerInvariant(), out hrp, out _));
        Assert.Equal("age-secret-key-", hrp);
        Assert.False(Bech32.TryDecode(Secret[..^1] + "a", out _, out _));
        Assert.False(Bech32.TryDecode(Secret[..20] + Secret[20..].ToLowerInvariant(), out _, out _));
        Assert.False(Bech32.TryDecode(Secret.Replace('Q', 'B'), out _, out _)); // 'b' is not in the alphabet
        Assert.False(Bech32.TryDecode("age1", out _, out _));
        Assert.Equal(Secret, Bech32.Encode("AGE-SECRET-KEY-", data));
    }

    [Fact]
    public void Bech32_AcceptsStringsLongerThan90Characters()
    {
        byte[] data = Enumerable.Range(0, 200).Select(i => (byte)i).ToArray();
        string encoded = Bech32.Encode("test", data);
        Assert.True(encoded.Length > 90);
        Assert.True(Bech32.TryDecode(encoded, out string hrp, out byte[] back));
        Assert.Equal("test", hrp);
        Assert.Equal(data, back);
    }

    [Fact]
    public void Parse_RejectsTheWrongKindOfKey()
    {
        using var alice = X25519Identity.Parse(Secret);
        string recipient = alice.Recipient.ToString();
        Assert.Equal(AgeFailure.InvalidKey, Assert.Throws<AgeException>(() => X25519Identity.Parse(recipient)).Failure);
        Assert.Equal(AgeFailure.InvalidKey, Assert.Throws<AgeException>(() => X25519Identity.Parse(Secret.ToLowerInvariant())).Failure);
        Assert.Equal(AgeFailure.InvalidKey, Assert.Throws<AgeException>(() => X25519Recipient.Parse(Secret)).Failure);
        Assert.Equal(AgeFailure.InvalidKey, Assert.Throws<AgeException>(() => X25519Recipient.Parse(recipient.ToUpperInvariant())).Failure);
    }

    [Fact]
    public void IdentityFile_ReadsSeveralIdentities_CommentsAndBlankLines()
    {
        using var other = X25519Identity.Generate();
        string text = $"# created: 2026-11-27\n# public key: {other.Recipient}\n\n{Secret}\r\n{other.Export()}\n";
        var identities = IdentityFile.Parse(Encoding.ASCII.GetBytes(text));
        Assert.Equal(2, identities.Count);
        Assert.Equal(other.Recipient.ToString(), identities[1].Recipient.ToString());
        Assert.False(IdentityFile.IsEncrypted(Encoding.ASCII.GetBytes(text)));
    }

    [Fact]
    public void IdentityFile_NamesTheBadLine_WithoutRepeatingIt()
    {
        string typo = Secret[..^2] + "XX";
        var e = Assert.Throws<AgeException>(() => IdentityFile.Parse(Encoding.ASCII.GetBytes($"# keys\n{Secret}\n{typo}\n")));
        Assert.Equal(AgeFailure.InvalidKey, e.Failure);
        Assert.Contains("line 3", e.Message);
        Assert.DoesNotContain(typo[16..40], e.Message);
        Assert.Throws<AgeException>(() => IdentityFile.Parse("# nothing here\n"u8));
    }

    [Fact]
    public void IdentityFile_SealedWithAPassphrase_OpensWithItOnly()
    {
        using var alice = X25519Identity.Generate();
        byte[] plain = Encoding.ASCII.GetBytes($"# public key: {alice.Recipient}\n{alice.Export()}\n");
        byte[] sealedFile = AgeInMemory.Seal(plain, [new ScryptRecipient("pw"u8.ToArray(), workFactor: 10)], armor: true, parallel: false);
        Assert.True(IdentityFile.IsEncrypted(sealedFile));
        Assert.Equal(alice.Recipient.ToString(), Assert.Single(IdentityFile.Open(sealedFile, "pw"u8.ToArray())).Recipient.ToString());
        Assert.Equal(AgeFailure.NoIdentityMatched,
            Assert.Throws<AgeException>(() => IdentityFile.Open(sealedFile, "pW"u8.ToArray())).Failure);
    }

    [Fact]
    public void HeaderParse_ReadsTheStanzas_AndStopsAtThePayload()
    {
        using var alice = X25519Identity.Generate();
        using var bob = X25519Identity.Generate();
        byte[] file = AgeInMemory.Seal(new byte[10], [alice.Recipient, bob.Recipient], armor: false, parallel: false);
        var input = new MemoryStream(file);
        var header = AgeHeader.Parse(input);
        Assert.Equal(["X25519", "X25519"], header.Stanzas.Select(s => s.Type));
        Assert.All(header.Stanzas, s => Assert.Equal(32, s.Body.Length));
        // What follows is the 16-byte nonce and one 10-byte chunk with its tag.
        Assert.Equal(16 + 10 + 16, file.Length - input.Position);
    }

    [Fact]
    public void Open_OfSomethingElse_SaysItIsNotAnAgeFile()
    {
        using var alice = X25519Identity.Generate();
        var e = Assert.Throws<AgeException>(() => AgeFile.Open(new MemoryStream("%PDF-1.7 hello"u8.ToArray()), [alice]));
        Assert.Contains("not an age file", e.Message);
        Assert.Equal(AgeFailure.MalformedHeader,
            Assert.Throws<AgeException>(() => AgeFile.Open(new MemoryStream("age-encryption.org/v2\n"u8.ToArray()), [alice])).Failure);
    }
}
