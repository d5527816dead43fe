using System.Text;
using NSec.Cryptography;
using Reporting.Format.Keys;

namespace Reporting.Format.Signatures;

/// <summary>A <c>FILE.minisig</c> in minisign's format (PROTOCOL.md, "Signed files"): the organisation's
/// Ed25519 signature over the BLAKE2b-512 hash of the file (algorithm <c>ED</c>, minisign's default since
/// 0.10), then a global signature over that signature and the trusted comment, so the comment cannot be
/// changed either. Stock minisign verifies it with the key's <see cref="MinisignKey"/> form.</summary>
public static class MinisignSignature
{
    static readonly byte[] HashedAlgorithm = "ED"u8.ToArray();
    const int SignatureSize = 64;
    const int StructSize = 2 + MinisignKey.KeyIdSize + SignatureSize;
    /// <summary>minisign's own bound on a comment; a larger signature file is not one.</summary>
    const int MaxCommentBytes = 1024;
    public const int MaxFileBytes = 4 * MaxCommentBytes;
    const string UntrustedPrefix = "untrusted comment: ";
    const string TrustedPrefix = "trusted comment: ";

    public static string FileNameFor(string path) => path + ".minisig";

    /// <summary>Signs <paramref name="file"/> (read to its end) and returns the signature file's text.</summary>
    /// <param name="trustedComment">Shown by <c>minisign -V</c>, covered by the signature; one line.</param>
    public static string Sign(SigningKey organisation, Stream file, string trustedComment)
    {
        MinisignKey.RequireOrganisation(organisation.PublicKey);
        if (trustedComment.Contains('\n') || trustedComment.Contains('\r') || Encoding.UTF8.GetByteCount(trustedComment) > MaxCommentBytes)
            throw new ArgumentException("a trusted comment is one line of at most 1024 bytes", nameof(trustedComment));
        var keyId = MinisignKey.KeyId(organisation.PublicKey);
        var signature = organisation.Sign(Hash(file));
        var global = organisation.Sign([.. signature, .. Encoding.UTF8.GetBytes(trustedComment)]);
        return $"{UntrustedPrefix}signature from the organisation key {MinisignKey.ShowKeyId(keyId)}\n"
            + Convert.ToBase64String([.. HashedAlgorithm, .. keyId, .. signature]) + "\n"
            + $"{TrustedPrefix}{trustedComment}\n"
            + Convert.ToBase64String(global) + "\n";
    }

    /// <summary>Checks <paramref name="signatureFile"/> over <paramref name="file"/> (read to its end) and
    /// returns the trusted comment. Throws <see cref="SignatureException"/> saying what is wrong.</summary>
    public static string Verify(PublicSigningKey organisation, Stream file, ReadOnlySpan<byte> signatureFile)
    {
        MinisignKey.RequireOrganisation(organisation);
        if (signatureFile.Length > MaxFileBytes)
            throw Fail(SignatureFailure.Malformed, $"it is larger than {MaxFileBytes} bytes");
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(signatureFile);
        }
        catch (DecoderFallbackException)
        {
            throw Fail(SignatureFailure.Malformed, "it is not text");
        }
        var lines = text.Replace("\r\n", "\n").Split('\n');
        if (lines.Length < 4 || !lines[0].StartsWith(UntrustedPrefix, StringComparison.Ordinal)
            || !lines[2].StartsWith(TrustedPrefix, StringComparison.Ordinal)
            || lines.Skip(4).Any(line => line.Length > 0))
            throw Fail(SignatureFailure.Malformed, "it does not have minisign's four lines");

        var signatureStruct = Base64(lines[1], StructSize, "the signature line");
        var global = Base64(lines[3], SignatureSize, "the global signature line");
        var algorithm = signatureStruct[..2];
        if (algorithm.AsSpan().SequenceEqual(MinisignKey.Algorithm))
            throw Fail(SignatureFailure.Unsupported, "it uses minisign's legacy algorithm (the file signed whole), which these tools neither write nor accept");
        if (!algorithm.AsSpan().SequenceEqual(HashedAlgorithm))
            throw Fail(SignatureFailure.Malformed, "it names an unknown algorithm");
        var keyId = signatureStruct.AsSpan(2, MinisignKey.KeyIdSize);
        if (!keyId.SequenceEqual(MinisignKey.KeyId(organisation)))
            throw Fail(SignatureFailure.OtherKey,
                $"it was made with another key (key id {MinisignKey.ShowKeyId(keyId)}), not the organisation key {organisation} (key id {MinisignKey.ShowKeyId(MinisignKey.KeyId(organisation))})");
        var signature = signatureStruct.AsSpan(2 + MinisignKey.KeyIdSize);
        if (!organisation.Verify(Hash(file), signature))
            throw Fail(SignatureFailure.BadSignature, "the signature does not match the file: the file was changed after it was signed, or is not the file that was signed");
        var trustedComment = lines[2][TrustedPrefix.Length..];
        if (!organisation.Verify([.. signature, .. Encoding.UTF8.GetBytes(trustedComment)], global))
            throw Fail(SignatureFailure.BadTrustedComment, "the trusted comment was changed after signing");
        return trustedComment;
    }

    /// <summary>BLAKE2b-512 of the whole stream, as minisign's prehashed mode signs it.</summary>
    static byte[] Hash(Stream file)
    {
        IncrementalHash.Initialize(HashAlgorithm.Blake2b_512, out var state);
        var buffer = new byte[1 << 16];
        int read;
        while ((read = file.Read(buffer)) > 0)
            IncrementalHash.Update(ref state, buffer.AsSpan(0, read));
        return IncrementalHash.Finalize(ref state);
    }

    static byte[] Base64(string line, int size, string what)
    {
        var bytes = new byte[size + 3];
        if (!Convert.TryFromBase64String(line.Trim(), bytes, out var length) || length != size)
            throw Fail(SignatureFailure.Malformed, $"{what} is not what minisign writes");
        return bytes[..size];
    }

    static SignatureException Fail(SignatureFailure failure, string message) => new(failure, message);
}
