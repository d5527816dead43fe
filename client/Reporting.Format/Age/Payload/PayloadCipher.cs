using System.Buffers.Binary;
using System.Security.Cryptography;
using NSec.Cryptography;

namespace Reporting.Format.Age.Payload;

/// <summary>age's STREAM construction: the payload is cut into 64 KiB chunks, each sealed with
/// ChaCha20-Poly1305 under one payload key, nonce = 11-byte big-endian chunk counter ‖ last-chunk
/// flag. The counter stops reordering and dropping chunks; the flag stops truncation at a chunk
/// boundary. Chunks are independent given their counter, so they can be sealed in parallel.</summary>
internal sealed class PayloadCipher : IDisposable
{
    public const int ChunkSize = 64 * 1024;
    public const int TagSize = 16;
    public const int EncryptedChunkSize = ChunkSize + TagSize;
    /// <summary>Random per file, so the payload key is fresh even if a file key were reused.</summary>
    public const int NonceSize = 16;

    private static readonly AeadAlgorithm Aead = AeadAlgorithm.ChaCha20Poly1305;
    private readonly Key key;

    /// <summary>payload key = HKDF-SHA256(file key, salt = nonce, info = "payload").</summary>
    public PayloadCipher(ReadOnlySpan<byte> fileKey, ReadOnlySpan<byte> nonce)
    {
        if (nonce.Length != NonceSize) throw new ArgumentException("The payload nonce is 16 bytes.", nameof(nonce));
        Span<byte> payloadKey = stackalloc byte[Primitives.KeySize];
        try
        {
            Primitives.Hkdf(fileKey, nonce, "payload"u8, payloadKey);
            key = Key.Import(Aead, payloadKey, KeyBlobFormat.RawSymmetricKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(payloadKey);
        }
    }

    /// <summary>Seals one chunk: <paramref name="ciphertext"/> is <paramref name="plaintext"/>'s length + 16.</summary>
    public void Seal(ulong counter, bool last, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext)
    {
        Span<byte> nonce = stackalloc byte[12];
        ChunkNonce(counter, last, nonce);
        Aead.Encrypt(key, nonce, default, plaintext, ciphertext);
    }

    /// <summary>Opens one chunk; false when it does not authenticate as chunk <paramref name="counter"/> with this flag.</summary>
    public bool TryOpen(ulong counter, bool last, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext)
    {
        Span<byte> nonce = stackalloc byte[12];
        ChunkNonce(counter, last, nonce);
        return Aead.Decrypt(key, nonce, default, ciphertext, plaintext);
    }

    /// <summary>Opens chunk <paramref name="counter"/> given how much ciphertext it has and whether
    /// the payload is known to end right after it; returns the plaintext length or throws.</summary>
    public int Open(ulong counter, ReadOnlySpan<byte> ciphertext, bool endsPayload, Span<byte> plaintext)
    {
        int n = ciphertext.Length;
        if (n < TagSize)
            throw Failure(counter == 0 && n == 0 ? AgeFailure.Truncated : AgeFailure.PayloadCorrupt,
                counter == 0 && n == 0 ? "the payload has no chunks" : "the last payload chunk is shorter than its tag");
        var output = plaintext[..(n - TagSize)];
        if (n < EncryptedChunkSize)
        {
            // A short chunk can only be the last one, and an empty last chunk only the first (an empty payload).
            if (!endsPayload) throw new InvalidOperationException("A short chunk was read before the end of the payload.");
            if (n == TagSize && counter != 0)
                throw Failure(AgeFailure.PayloadCorrupt, "the last payload chunk is empty");
            if (!TryOpen(counter, last: true, ciphertext, output))
                throw Failure(AgeFailure.PayloadCorrupt, $"payload chunk {counter} does not authenticate");
            return output.Length;
        }
        if (endsPayload)
        {
            if (TryOpen(counter, last: true, ciphertext, output)) return output.Length;
            if (TryOpen(counter, last: false, ciphertext, output))
            {
                CryptographicOperations.ZeroMemory(output);
                throw Failure(AgeFailure.Truncated, "the payload ends before its last chunk");
            }
            throw Failure(AgeFailure.PayloadCorrupt, $"payload chunk {counter} does not authenticate");
        }
        if (TryOpen(counter, last: false, ciphertext, output)) return output.Length;
        if (TryOpen(counter, last: true, ciphertext, output))
        {
            CryptographicOperations.ZeroMemory(output);
            throw Failure(AgeFailure.PayloadCorrupt, "data follows the last payload chunk");
        }
        throw Failure(AgeFailure.PayloadCorrupt, $"payload chunk {counter} does not authenticate");
    }

    private static void ChunkNonce(ulong counter, bool last, Span<byte> nonce)
    {
        // 11-byte big-endian counter: the top 3 bytes stay zero, 2^64 chunks is beyond any file.
        nonce[..3].Clear();
        BinaryPrimitives.WriteUInt64BigEndian(nonce[3..11], counter);
        nonce[11] = last ? (byte)1 : (byte)0;
    }

    internal static AgeException Failure(AgeFailure failure, string why) => new(failure, "age payload: " + why);

    public void Dispose() => key.Dispose();
}
