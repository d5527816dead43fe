using System.Security.Cryptography;
using NSec.Cryptography;

namespace Reporting.Format.Age;

/// <summary>The few primitives age builds on (as age's own primitives.go): HKDF, HMAC,
/// the zero-nonce ChaCha20-Poly1305 that wraps a file key, and age's strict base64.</summary>
internal static class Primitives
{
    /// <summary>age v1 file keys are 128 bits.</summary>
    public const int FileKeySize = 16;
    public const int KeySize = 32;
    public const int TagSize = 16;

    public static void Hkdf(ReadOnlySpan<byte> ikm, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info, Span<byte> output)
        => HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, output, salt, info);

    /// <summary>Seals a file key under a one-time wrapping key; the nonce is all zero because
    /// each wrapping key is used exactly once.</summary>
    public static byte[] WrapFileKey(ReadOnlySpan<byte> wrappingKey, ReadOnlySpan<byte> fileKey)
    {
        var aead = AeadAlgorithm.ChaCha20Poly1305;
        using var key = Key.Import(aead, wrappingKey, KeyBlobFormat.RawSymmetricKey);
        var body = new byte[fileKey.Length + TagSize];
        aead.Encrypt(key, stackalloc byte[12] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, default, fileKey, body);
        return body;
    }

    /// <summary>Opens a wrapped file key into <paramref name="fileKey"/>. The caller checks the body's
    /// length first (a wrong length is a malformed stanza, not a wrong key).</summary>
    public static bool TryUnwrapFileKey(ReadOnlySpan<byte> wrappingKey, ReadOnlySpan<byte> body, Span<byte> fileKey)
    {
        var aead = AeadAlgorithm.ChaCha20Poly1305;
        using var key = Key.Import(aead, wrappingKey, KeyBlobFormat.RawSymmetricKey);
        return aead.Decrypt(key, stackalloc byte[12] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, default, body, fileKey);
    }

    /// <summary>Tries every stanza of <paramref name="type"/> in order (as age's multiUnwrap): the first
    /// file key found, or null. <paramref name="unwrap"/> throws on a malformed stanza of that type.</summary>
    public static byte[]? UnwrapFirst(IReadOnlyList<Stanza> stanzas, string type, Func<Stanza, byte[]?> unwrap)
    {
        ArgumentNullException.ThrowIfNull(stanzas);
        foreach (var stanza in stanzas)
        {
            if (stanza.Type != type) continue;
            byte[]? fileKey = unwrap(stanza);
            if (fileKey is not null) return fileKey;
        }
        return null;
    }

    /// <summary>The file key wrapped in <paramref name="body"/>, or null when this wrapping key does not open it.</summary>
    public static byte[]? UnwrapFileKey(ReadOnlySpan<byte> wrappingKey, ReadOnlySpan<byte> body)
    {
        var fileKey = new byte[FileKeySize];
        if (TryUnwrapFileKey(wrappingKey, body, fileKey)) return fileKey;
        CryptographicOperations.ZeroMemory(fileKey);
        return null;
    }

    /// <summary>Standard base64 without padding, as age writes stanza arguments, bodies and the MAC.</summary>
    public static string EncodeBase64(ReadOnlySpan<byte> data) => Convert.ToBase64String(data).TrimEnd('=');

    /// <summary>age's strict base64: standard alphabet, no padding, no whitespace, and the unused
    /// low bits of the last character zero, so that each byte string has exactly one encoding.</summary>
    public static bool TryDecodeBase64(ReadOnlySpan<char> text, out byte[] data)
    {
        data = [];
        if (text.Length % 4 == 1) return false;
        foreach (char c in text)
            if (!IsBase64Letter(c)) return false;
        Span<char> padded = text.Length <= 4096 ? stackalloc char[text.Length + 3] : new char[text.Length + 3];
        text.CopyTo(padded);
        int pad = (4 - text.Length % 4) % 4;
        padded.Slice(text.Length, pad).Fill('=');
        var buffer = new byte[text.Length * 3 / 4];
        if (!Convert.TryFromBase64Chars(padded[..(text.Length + pad)], buffer, out int written) || written != buffer.Length)
            return false;
        if (!EncodeBase64(buffer).AsSpan().SequenceEqual(text)) return false;
        data = buffer;
        return true;
    }

    public static bool IsBase64Letter(char c) =>
        c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '+' or '/';

    public static bool IsBase64Letter(byte c) => IsBase64Letter((char)c);
}
