using System.Security.Cryptography;
using System.Text;
using Reporting.Format.Age;
using Xunit;
using static Reporting.Testing.AgeInMemory;

namespace Reporting.Format.Tests.Age;

/// <summary>What we seal, we open: around every chunk boundary, binary and armored, one and
/// several recipients, through the streaming and the Stream→Stream (parallel) entry points.</summary>
public sealed class AgeRoundTripTests
{
    public static IEnumerable<object[]> Cases()
    {
        int[] sizes = [0, 1, 65535, 65536, 65537, 3 * 65536, 5 * 1024 * 1024 + 17];
        foreach (int size in sizes)
            foreach (bool armor in new[] { false, true })
                foreach (bool parallelSeal in new[] { false, true })
                    foreach (int recipients in new[] { 1, 3 })
                        yield return [size, armor, parallelSeal, !parallelSeal, recipients];
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SealedFile_OpensToTheSameBytes_ForEveryRecipient(int size, bool armor, bool parallelSeal, bool parallelOpen, int recipients)
    {
        var identities = Enumerable.Range(0, recipients).Select(_ => X25519Identity.Generate()).ToList();
        byte[] plaintext = RandomNumberGenerator.GetBytes(size);

        byte[] sealedFile = Seal(plaintext, identities.Select(i => (IRecipient)i.Recipient).ToList(), armor, parallelSeal);

        foreach (var identity in identities)
            Assert.Equal(plaintext, Open(sealedFile, [identity], parallelOpen));
        using var stranger = X25519Identity.Generate();
        Assert.Equal(plaintext, Open(sealedFile, [stranger, identities[^1]], !parallelOpen));
        foreach (var identity in identities) identity.Dispose();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    [InlineData(100_000)]
    public void SealedFile_HasTheSizeTheSpecImplies(int size)
    {
        using var alice = X25519Identity.Generate();
        byte[] sealedFile = Seal(new byte[size], [alice.Recipient], armor: false, parallel: true);
        int headerLength = IndexOf(sealedFile, "\n---"u8) + 1 + "--- ".Length + 43 + 1;
        int chunks = Math.Max(1, (size + 65535) / 65536);
        Assert.Equal(headerLength + 16 + size + 16 * chunks, sealedFile.Length);
        Assert.Equal(sealedFile.Length, Seal(new byte[size], [alice.Recipient], armor: false, parallel: false).Length);
    }

    [Fact]
    public void ArmoredFile_IsStrictPem()
    {
        using var alice = X25519Identity.Generate();
        string text = Encoding.ASCII.GetString(Seal(new byte[1000], [alice.Recipient], armor: true, parallel: false));
        string[] lines = text.Split('\n');
        Assert.Equal("-----BEGIN AGE ENCRYPTED FILE-----", lines[0]);
        Assert.Equal("-----END AGE ENCRYPTED FILE-----", lines[^2]);
        Assert.Equal("", lines[^1]);
        Assert.All(lines[1..^3], l => Assert.Equal(64, l.Length));
        Assert.InRange(lines[^3].Length, 1, 64);
    }

    [Fact]
    public void Passphrase_RoundTrips_AndOnlyAlone()
    {
        byte[] passphrase = Encoding.UTF8.GetBytes("a long passphrase");
        byte[] plaintext = RandomNumberGenerator.GetBytes(70_000);
        byte[] sealedFile = Seal(plaintext, [new ScryptRecipient(passphrase, workFactor: 10)], armor: true, parallel: false);
        Assert.Equal(plaintext, Open(sealedFile, [new ScryptIdentity(passphrase)], parallel: true));

        using var alice = X25519Identity.Generate();
        Assert.Throws<ArgumentException>(() => Seal(plaintext, [alice.Recipient, new ScryptRecipient(passphrase, 10)], false, false));
    }

    [Fact]
    public void StreamingReader_ReturnsBytesInAnyReadSizes()
    {
        using var alice = X25519Identity.Generate();
        byte[] plaintext = RandomNumberGenerator.GetBytes(200_000);
        byte[] sealedFile = Seal(plaintext, [alice.Recipient], armor: true, parallel: false);
        using var reader = AgeFile.Open(new MemoryStream(sealedFile), [alice]);
        var opened = new MemoryStream();
        var buffer = new byte[7919];
        for (int n, i = 1; (n = reader.Read(buffer, 0, i % buffer.Length + 1)) > 0; i += 1013) opened.Write(buffer, 0, n);
        Assert.Equal(plaintext, opened.ToArray());
    }

    [Fact]
    public void Identity_ExportsAndParsesBack_AndNeverPrintsItsSecret()
    {
        using var alice = X25519Identity.Generate();
        string secret = alice.Export();
        Assert.StartsWith("AGE-SECRET-KEY-1", secret);
        using var again = X25519Identity.Parse(secret);
        Assert.Equal(alice.Recipient.ToString(), again.Recipient.ToString());
        Assert.StartsWith("age1", alice.Recipient.ToString());
        Assert.Equal(alice.Recipient.ToString(), X25519Recipient.Parse(alice.Recipient.ToString()).ToString());
        Assert.DoesNotContain(secret[16..], alice.ToString());
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);
}
