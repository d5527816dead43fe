using System.Buffers.Binary;
using System.Security.Cryptography;
using NSec.Cryptography;

namespace Reporting.Format.Age;

/// <summary>The one HPKE (RFC 9180) use age makes: base mode, one message, with the suite of its
/// mlkem768x25519 recipients (KEM X-Wing 0x647a, KDF HKDF-SHA256, AEAD ChaCha20-Poly1305) and an empty AAD.
/// Only the key schedule is HPKE's own; the KEM is <see cref="XWing"/>, whose shared secret is used as is.</summary>
internal static class Hpke
{
    const ushort KemId = 0x647a, KdfId = 0x0001, AeadId = 0x0003;
    const int KeySize = 32, NonceSize = 12, HashSize = 32;
    const byte ModeBase = 0x00;

    /// <summary>"HPKE" ‖ kem ‖ kdf ‖ aead, two bytes each, big-endian: binds every derivation to the suite.</summary>
    static readonly byte[] SuiteId = BuildSuiteId();

    /// <summary>Encrypts <paramref name="plaintext"/> under the context of <paramref name="sharedSecret"/> and
    /// <paramref name="info"/>: the first (and only) message, so the nonce is the base nonce.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> info, ReadOnlySpan<byte> plaintext)
    {
        Span<byte> nonce = stackalloc byte[NonceSize];
        using var key = ContextKey(sharedSecret, info, nonce);
        return AeadAlgorithm.ChaCha20Poly1305.Encrypt(key, nonce, default, plaintext);
    }

    /// <summary>Decrypts the first message into <paramref name="plaintext"/>; false when it does not authenticate.</summary>
    public static bool Open(ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> info, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext)
    {
        Span<byte> nonce = stackalloc byte[NonceSize];
        using var key = ContextKey(sharedSecret, info, nonce);
        return AeadAlgorithm.ChaCha20Poly1305.Decrypt(key, nonce, default, ciphertext, plaintext);
    }

    /// <summary>The context's AEAD key (in NSec's handle; the derived bytes are zeroed) and its base nonce.</summary>
    static NSec.Cryptography.Key ContextKey(ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> info, Span<byte> nonce)
    {
        Span<byte> key = stackalloc byte[KeySize];
        try
        {
            KeySchedule(sharedSecret, info, key, nonce);
            return NSec.Cryptography.Key.Import(AeadAlgorithm.ChaCha20Poly1305, key, KeyBlobFormat.RawSymmetricKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>RFC 9180 §5.1 in base mode (no PSK): the AEAD key and base nonce.</summary>
    static void KeySchedule(ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> info, Span<byte> key, Span<byte> nonce)
    {
        Span<byte> context = stackalloc byte[1 + 2 * HashSize];
        Span<byte> secret = stackalloc byte[HashSize];
        try
        {
            context[0] = ModeBase;
            LabeledExtract(default, "psk_id_hash"u8, default, context.Slice(1, HashSize));
            LabeledExtract(default, "info_hash"u8, info, context.Slice(1 + HashSize, HashSize));
            // The shared secret is the salt and the (empty) PSK the input keying material: the order the RFC
            // gives, which a swapped pair of arguments gets wrong and the vectors catch.
            LabeledExtract(sharedSecret, "secret"u8, default, secret);
            LabeledExpand(secret, "key"u8, context, key);
            LabeledExpand(secret, "base_nonce"u8, context, nonce);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>HKDF-Extract(salt, "HPKE-v1" ‖ suite ‖ label ‖ ikm).</summary>
    static void LabeledExtract(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> label, ReadOnlySpan<byte> ikm, Span<byte> prk)
    {
        byte[] labeled = [.. "HPKE-v1"u8, .. SuiteId, .. label, .. ikm];
        try
        {
            HKDF.Extract(HashAlgorithmName.SHA256, labeled, salt, prk);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(labeled);
        }
    }

    /// <summary>HKDF-Expand(prk, length (2 bytes) ‖ "HPKE-v1" ‖ suite ‖ label ‖ info, length).</summary>
    static void LabeledExpand(ReadOnlySpan<byte> prk, ReadOnlySpan<byte> label, ReadOnlySpan<byte> info, Span<byte> output)
    {
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, checked((ushort)output.Length));
        byte[] labeled = [.. length, .. "HPKE-v1"u8, .. SuiteId, .. label, .. info];
        HKDF.Expand(HashAlgorithmName.SHA256, prk, output, labeled);
    }

    static byte[] BuildSuiteId()
    {
        var id = new byte[10];
        "HPKE"u8.CopyTo(id);
        BinaryPrimitives.WriteUInt16BigEndian(id.AsSpan(4), KemId);
        BinaryPrimitives.WriteUInt16BigEndian(id.AsSpan(6), KdfId);
        BinaryPrimitives.WriteUInt16BigEndian(id.AsSpan(8), AeadId);
        return id;
    }
}
