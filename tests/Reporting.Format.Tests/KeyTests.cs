using System.Security.Cryptography;
using System.Text;
using Reporting.Format.Age;
using Reporting.Format.IO;
using Reporting.Format.Keys;
using Xunit;

namespace Reporting.Format.Tests;

public sealed class KeyTests : IDisposable
{
    static readonly byte[] Passphrase = "correct horse battery staple"u8.ToArray();
    readonly string folder = Directory.CreateTempSubdirectory("reporting-keys-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData(SigningKeyKind.Organisation, "reportorg1", "REPORT-ORG-KEY-1")]
    [InlineData(SigningKeyKind.Access, "reportaccess1", "REPORT-ACCESS-KEY-1")]
    [InlineData(SigningKeyKind.Receipt, "reportreceipt1", "REPORT-RECEIPT-KEY-1")]
    [InlineData(SigningKeyKind.Freshness, "reportfresh1", "REPORT-FRESH-KEY-1")]
    public void Exported_ThenImported_IsTheSameKey(SigningKeyKind kind, string publicPrefix, string secretPrefix)
    {
        using var key = SigningKey.Generate(kind);
        var exported = key.Export();

        using var imported = SigningKey.Import(exported);

        Assert.StartsWith(secretPrefix, exported);
        Assert.StartsWith(publicPrefix, key.PublicKey.ToString());
        Assert.Equal(kind, imported.Kind);
        Assert.Equal(key.PublicKey, imported.PublicKey);
        Assert.True(imported.PublicKey.Verify("hello"u8, key.Sign("hello"u8)));
    }

    [Fact]
    public void PublicKey_ParsesBackFromItsText()
    {
        using var key = SigningKey.Generate(SigningKeyKind.Access);

        var parsed = PublicSigningKey.Parse(key.PublicKey.ToString(), SigningKeyKind.Access);

        Assert.Equal(key.PublicKey, parsed);
        Assert.Equal(key.PublicKey.GetHashCode(), parsed.GetHashCode());
    }

    [Fact]
    public void PublicKey_WithATypo_IsNotParsed()
    {
        using var key = SigningKey.Generate(SigningKeyKind.Organisation);
        var text = key.PublicKey.ToString();
        var typo = text[..^3] + (text[^3] == 'q' ? 'p' : 'q') + text[^2..];

        Assert.False(PublicSigningKey.TryParse(typo, out _));
        Assert.Throws<FormatException>(() => PublicSigningKey.Parse(typo, SigningKeyKind.Organisation));
    }

    [Fact]
    public void PublicKey_OfAnotherKind_IsRefusedByParse()
    {
        using var access = SigningKey.Generate(SigningKeyKind.Access);

        var e = Assert.Throws<FormatException>(() => PublicSigningKey.Parse(access.PublicKey.ToString(), SigningKeyKind.Organisation));
        Assert.Contains("access key", e.Message);
    }

    [Fact]
    public void SameBytes_OfDifferentKinds_AreDifferentKeys()
    {
        using var key = SigningKey.Generate(SigningKeyKind.Access);
        var asOrganisation = PublicSigningKey.FromBytes(SigningKeyKind.Organisation, key.PublicKey.Bytes);

        Assert.NotEqual(key.PublicKey, asOrganisation);
        Assert.StartsWith("reportorg1", asOrganisation.ToString());
    }

    [Fact]
    public void Verify_ReturnsFalse_NeverThrows()
    {
        using var key = SigningKey.Generate(SigningKeyKind.Access);
        var signature = key.Sign("message"u8);
        var flipped = signature.ToArray();
        flipped[10] ^= 1;

        Assert.True(key.PublicKey.Verify("message"u8, signature));
        Assert.False(key.PublicKey.Verify("messagE"u8, signature));
        Assert.False(key.PublicKey.Verify("message"u8, flipped));
        Assert.False(key.PublicKey.Verify("message"u8, signature.AsSpan(0, 63)));
        Assert.False(key.PublicKey.Verify("message"u8, []));
    }

    [Fact]
    public void Import_OfAnAgeIdentity_IsRefused()
    {
        using var identity = X25519Identity.Generate();

        Assert.Throws<FormatException>(() => SigningKey.Import(identity.Export()));
    }

    [Fact]
    public void Import_ErrorMessage_NeverRepeatsTheSecret()
    {
        using var key = SigningKey.Generate(SigningKeyKind.Organisation);
        var secret = key.Export();
        var broken = secret[..^1] + (secret[^1] == 'Q' ? 'P' : 'Q');

        var e = Assert.Throws<FormatException>(() => SigningKey.Import(broken));
        Assert.DoesNotContain(broken[16..], e.Message);
    }

    [Fact]
    public void Disposed_KeyNoLongerSigns()
    {
        var key = SigningKey.Generate(SigningKeyKind.Access);
        key.Dispose();

        Assert.Throws<ObjectDisposedException>(() => key.Sign("x"u8));
    }

    [Fact]
    public void KeyFile_WrittenThenRead_IsTheSameKey_AndPrivate()
    {
        var path = Path.Combine(folder, "org.key");
        using var key = SigningKey.Generate(SigningKeyKind.Organisation);

        KeyFile.WriteSigningKey(path, key, Passphrase);
        using var read = KeyFile.ReadSigningKey(path, Passphrase, SigningKeyKind.Organisation);

        Assert.Equal(key.PublicKey, read.PublicKey);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(AtomicFile.Private, File.GetUnixFileMode(path));
        Assert.Single(Directory.GetFiles(folder)); // no temporary file left behind
    }

    [Fact]
    public void KeyFile_IsAnAgePassphraseFile_HoldingCommentsAndTheSecret()
    {
        var path = Path.Combine(folder, "alice.access");
        using var key = SigningKey.Generate(SigningKeyKind.Access);
        KeyFile.WriteSigningKey(path, key, Passphrase);

        using var input = File.OpenRead(path);
        using var plaintext = new MemoryStream();
        AgeFile.Open(input, plaintext, [new ScryptIdentity(Passphrase)]);
        var lines = Encoding.UTF8.GetString(plaintext.ToArray()).Split('\n');

        Assert.StartsWith("age-encryption.org/v1\n-> scrypt ", Encoding.ASCII.GetString(File.ReadAllBytes(path), 0, 32));
        Assert.Matches(@"^# created: \d{4}-\d{2}-\d{2}$", lines[0]);
        Assert.Equal($"# public key: {key.PublicKey}", lines[1]);
        Assert.Equal(key.Export(), lines[2]);
    }

    [Fact]
    public void KeyFile_WithTheWrongPassphrase_SaysNoIdentityMatched()
    {
        var path = Path.Combine(folder, "org.key");
        using var key = SigningKey.Generate(SigningKeyKind.Organisation);
        KeyFile.WriteSigningKey(path, key, Passphrase);

        var e = Assert.Throws<AgeException>(() => KeyFile.ReadSigningKey(path, "wrong"u8.ToArray(), SigningKeyKind.Organisation));
        Assert.Equal(AgeFailure.NoIdentityMatched, e.Failure);
    }

    [Fact]
    public void KeyFile_OfAnotherKind_IsRefused()
    {
        var path = Path.Combine(folder, "alice.access");
        using var key = SigningKey.Generate(SigningKeyKind.Access);
        KeyFile.WriteSigningKey(path, key, Passphrase);

        var e = Assert.Throws<FormatException>(() => KeyFile.ReadSigningKey(path, Passphrase, SigningKeyKind.Organisation));
        Assert.Contains("access key", e.Message);
    }

    [Fact]
    public void KeyFile_NeverOverwritesAnExistingFile()
    {
        var path = Path.Combine(folder, "org.key");
        File.WriteAllText(path, "precious");
        using var key = SigningKey.Generate(SigningKeyKind.Organisation);

        Assert.Throws<IOException>(() => KeyFile.WriteSigningKey(path, key, Passphrase));
        Assert.Equal("precious", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(folder));
    }

    [Fact]
    public void IdentityFile_OpensWithTheAgeCoreIdentityReader()
    {
        var path = Path.Combine(folder, "alice.identity");
        using var identity = X25519Identity.Generate();

        KeyFile.WriteIdentity(path, identity, Passphrase);
        var opened = IdentityFile.Open(File.ReadAllBytes(path), Passphrase);

        Assert.Equal(identity.Recipient.ToString(), Assert.Single(opened).Recipient.ToString());
    }

    [Fact]
    public void AtomicFile_NotCommitted_LeavesNothing()
    {
        var path = Path.Combine(folder, "out.bin");
        using (var file = AtomicFile.Create(path))
            file.Stream.Write("partial"u8);

        Assert.Empty(Directory.GetFiles(folder));
    }

    [Fact]
    public void AtomicFile_ManyMiBWrittenInOddPieces_AppearWholeOnlyOnCommit()
    {
        // Past the 8 MiB steps at which write-back to the disk is started early.
        var path = Path.Combine(folder, "big.bin");
        var content = RandomNumberGenerator.GetBytes(20 << 20);
        using (var file = AtomicFile.Create(path))
        {
            for (int at = 0; at < content.Length; at += 999_983)
                file.Stream.Write(content.AsSpan(at, Math.Min(999_983, content.Length - at)));
            Assert.Equal(content.Length, file.Stream.Length);
            Assert.False(File.Exists(path));
            file.Commit();
        }

        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(folder));
    }

    [Fact]
    public void AtomicFile_WhenTheDestinationAppearsMeanwhile_KeepsIt()
    {
        var path = Path.Combine(folder, "out.bin");
        using var file = AtomicFile.Create(path);
        file.Stream.Write("new"u8);
        File.WriteAllText(path, "theirs");

        Assert.Throws<IOException>(file.Commit);
        file.Dispose();
        Assert.Equal("theirs", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(folder));
    }
}
