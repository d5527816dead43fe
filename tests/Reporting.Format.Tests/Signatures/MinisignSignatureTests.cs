using System.Text;
using Reporting.Format.Keys;
using Reporting.Format.Signatures;
using Xunit;

namespace Reporting.Format.Tests.Signatures;

/// <summary>Signed files in minisign's format. That stock minisign accepts them is checked with the real
/// minisign in Reporting.Client.Tests (ReleaseTests, SignFileTests).</summary>
public sealed class MinisignSignatureTests
{
    static readonly byte[] Content = Encoding.UTF8.GetBytes("report-0.9.0-linux-x64.tar.gz, or any file\n");
    const string Comment = "timestamp:1796583854\tfile:report.tar.gz\thashed";

    static string Sign(SigningKey key, byte[] content, string comment = Comment) =>
        MinisignSignature.Sign(key, new MemoryStream(content), comment);

    static string Verify(PublicSigningKey key, byte[] content, string signature) =>
        MinisignSignature.Verify(key, new MemoryStream(content), Encoding.UTF8.GetBytes(signature));

    [Fact]
    public void Signed_ThenVerified_GivesTheTrustedComment()
    {
        using var organisation = SigningKey.Generate(SigningKeyKind.Organisation);
        var signature = Sign(organisation, Content);

        Assert.Equal(Comment, Verify(organisation.PublicKey, Content, signature));
        var lines = signature.Split('\n');
        Assert.StartsWith("untrusted comment: ", lines[0]);
        Assert.StartsWith("RU", lines[1]); // base64 of "ED": minisign's prehashed algorithm
        Assert.Equal("trusted comment: " + Comment, lines[2]);
    }

    [Fact]
    public void PublicKey_InMinisignForm_ReadsBackAsTheSameKey_WithItsDerivedKeyId()
    {
        using var organisation = SigningKey.Generate(SigningKeyKind.Organisation);
        var encoded = MinisignKey.Encode(organisation.PublicKey);

        Assert.StartsWith("RW", encoded); // base64 of "Ed"
        Assert.Equal(56, encoded.Length);
        Assert.True(MinisignKey.TryParse(encoded, out var parsed));
        Assert.Equal(organisation.PublicKey, parsed);
        var keyId = System.Security.Cryptography.SHA256.HashData(organisation.PublicKey.Bytes)[..8];
        Assert.Equal(keyId, Convert.FromBase64String(encoded)[2..10]);
        Assert.Contains(MinisignKey.ShowKeyId(keyId), MinisignKey.EncodeFile(organisation.PublicKey));
    }

    [Fact]
    public void PublicKey_WithAnotherKeyId_IsNotTakenForOurs()
    {
        using var organisation = SigningKey.Generate(SigningKeyKind.Organisation);
        var bytes = Convert.FromBase64String(MinisignKey.Encode(organisation.PublicKey));
        bytes[2] ^= 1;

        Assert.False(MinisignKey.TryParse(Convert.ToBase64String(bytes), out _));
        Assert.False(MinisignKey.TryParse("RWnot a key", out _));
    }

    [Fact]
    public void TamperedFile_IsRefused()
    {
        using var organisation = SigningKey.Generate(SigningKeyKind.Organisation);
        var signature = Sign(organisation, Content);
        var tampered = Content.ToArray();
        tampered[3] ^= 0x20;

        var e = Assert.Throws<SignatureException>(() => Verify(organisation.PublicKey, tampered, signature));
        Assert.Equal(SignatureFailure.BadSignature, e.Failure);
        Assert.Throws<SignatureException>(() => Verify(organisation.PublicKey, [.. Content, (byte)'x'], signature));
    }

    [Fact]
    public void ChangedTrustedComment_IsRefused()
    {
        using var organisation = SigningKey.Generate(SigningKeyKind.Organisation);
        var signature = Sign(organisation, Content).Replace("file:report.tar.gz", "file:other.tar.gz");

        var e = Assert.Throws<SignatureException>(() => Verify(organisation.PublicKey, Content, signature));
        Assert.Equal(SignatureFailure.BadTrustedComment, e.Failure);
    }

    [Fact]
    public void SignatureByAnotherKey_IsRefused_NamingBothKeyIds()
    {
        using var organisation = SigningKey.Generate(SigningKeyKind.Organisation);
        using var other = SigningKey.Generate(SigningKeyKind.Organisation);
        var signature = Sign(other, Content);

        var e = Assert.Throws<SignatureException>(() => Verify(organisation.PublicKey, Content, signature));
        Assert.Equal(SignatureFailure.OtherKey, e.Failure);
        Assert.Contains(MinisignKey.ShowKeyId(MinisignKey.KeyId(other.PublicKey)), e.Message);
    }

    [Fact]
    public void SignatureStructWithAnotherKeyIdButTheRightSignature_IsStillRefused()
    {
        // The key id only names the key: a signature relabelled with our key id still has to verify.
        using var organisation = SigningKey.Generate(SigningKeyKind.Organisation);
        using var other = SigningKey.Generate(SigningKeyKind.Organisation);
        var lines = Sign(other, Content).Split('\n');
        var signatureStruct = Convert.FromBase64String(lines[1]);
        MinisignKey.KeyId(organisation.PublicKey).CopyTo(signatureStruct, 2);
        lines[1] = Convert.ToBase64String(signatureStruct);

        var e = Assert.Throws<SignatureException>(() => Verify(organisation.PublicKey, Content, string.Join('\n', lines)));
        Assert.Equal(SignatureFailure.BadSignature, e.Failure);
    }

    [Fact]
    public void LegacyAlgorithm_IsRefused()
    {
        // "Ed" signs the file itself rather than its hash: an organisation signature over other data (a roster's
        // bytes) could then pass as a file signature. The tools write only "ED" and accept only "ED".
        using var organisation = SigningKey.Generate(SigningKeyKind.Organisation);
        var lines = Sign(organisation, Content).Split('\n');
        var signatureStruct = Convert.FromBase64String(lines[1]);
        signatureStruct[1] = (byte)'d';
        lines[1] = Convert.ToBase64String(signatureStruct);

        var e = Assert.Throws<SignatureException>(() => Verify(organisation.PublicKey, Content, string.Join('\n', lines)));
        Assert.Equal(SignatureFailure.Unsupported, e.Failure);
    }

    [Theory]
    [InlineData("")]
    [InlineData("untrusted comment: x\n")]
    [InlineData("untrusted comment: x\nRUxx\ntrusted comment: y\nzz\n")]
    [InlineData("not a signature at all\n\n\n\n")]
    public void Malformed_IsRefused(string signature)
    {
        using var organisation = SigningKey.Generate(SigningKeyKind.Organisation);

        var e = Assert.Throws<SignatureException>(() => Verify(organisation.PublicKey, Content, signature));
        Assert.Equal(SignatureFailure.Malformed, e.Failure);
    }

    [Fact]
    public void OnlyTheOrganisationKey_Signs()
    {
        using var access = SigningKey.Generate(SigningKeyKind.Access);

        Assert.Throws<ArgumentException>(() => Sign(access, Content));
        Assert.Throws<ArgumentException>(() => MinisignKey.Encode(access.PublicKey));
    }
}
