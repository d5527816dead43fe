using System.Security.Cryptography;
using Reporting.Format.Keys;

namespace Reporting.Format.Signatures;

/// <summary>The organisation key written the way minisign writes public keys (<c>RW…</c>), so that stock
/// <c>minisign -V -P RW…</c> checks what the organisation signed. Same key, another spelling: base64 of
/// the algorithm <c>Ed</c>, an 8-byte key id and the 32-byte Ed25519 public key.</summary>
public static class MinisignKey
{
    internal static readonly byte[] Algorithm = "Ed"u8.ToArray();
    internal const int KeyIdSize = 8;
    const int EncodedSize = 2 + KeyIdSize + 32;

    /// <summary>minisign draws a key id at random and keeps it with the secret key; ours has no place to keep
    /// one, so it is derived: the first 8 bytes of SHA-256 of the 32-byte public key (PROTOCOL.md). It only
    /// tells keys apart in messages; the signature is what is checked.</summary>
    public static byte[] KeyId(PublicSigningKey key) => SHA256.HashData(key.Bytes)[..KeyIdSize];

    /// <summary>The key id as minisign prints it: the 8 bytes as a little-endian number, in hexadecimal.</summary>
    public static string ShowKeyId(ReadOnlySpan<byte> keyId)
    {
        Span<byte> reversed = stackalloc byte[KeyIdSize];
        keyId.CopyTo(reversed);
        reversed.Reverse();
        return Convert.ToHexString(reversed);
    }

    /// <summary><c>RW…</c>: what <c>minisign -P</c> takes.</summary>
    public static string Encode(PublicSigningKey key)
    {
        RequireOrganisation(key);
        return Convert.ToBase64String([.. Algorithm, .. KeyId(key), .. key.Bytes]);
    }

    /// <summary>A minisign public key file (<c>minisign.pub</c>), for those who keep one.</summary>
    public static string EncodeFile(PublicSigningKey key) =>
        $"untrusted comment: minisign public key {ShowKeyId(KeyId(key))}\n{Encode(key)}\n";

    /// <summary>Reads an <c>RW…</c> key as the organisation key. False when it is not one of ours: another
    /// algorithm, a wrong length, or a key id that is not derived from the key (a key made by minisign itself).</summary>
    public static bool TryParse(string encoded, out PublicSigningKey? key)
    {
        key = null;
        Span<byte> bytes = stackalloc byte[EncodedSize + 3];
        if (string.IsNullOrEmpty(encoded) || !Convert.TryFromBase64String(encoded.Trim(), bytes, out var length)
            || length != EncodedSize || !bytes[..2].SequenceEqual(Algorithm))
            return false;
        var candidate = PublicSigningKey.FromBytesOrNull(SigningKeyKind.Organisation, bytes.Slice(2 + KeyIdSize, 32));
        if (candidate is null || !bytes.Slice(2, KeyIdSize).SequenceEqual(KeyId(candidate)))
            return false;
        key = candidate;
        return true;
    }

    internal static void RequireOrganisation(PublicSigningKey key)
    {
        if (key.Kind != SigningKeyKind.Organisation)
            throw new ArgumentException("files are signed with the organisation key", nameof(key));
    }
}
