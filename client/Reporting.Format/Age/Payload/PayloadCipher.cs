using System.Buffers.Binary;
using System.Security.Cryptography;
using NSec.Cryptography;
using ChaCha20Poly1305 = System.Security.Cryptography.ChaCha20Poly1305;

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

    // The payload is the bulk of the work: .NET's ChaCha20-Poly1305 (OpenSSL, AVX-512 where the CPU has
    // it) measured about 2.4x libsodium's on our machines. Its instances are not thread-safe, so each
    // lane (one per worker thread) has its own; NSec (thread-safe) is the fallback where the platform lacks it.
    readonly ChaCha20Poly1305[]? lanes;
    readonly Key? fallback;

    /// <summary>payload key = HKDF-SHA256(file key, salt = nonce, info = "payload"); <paramref name="lanes"/>
    /// is how many threads may use this cipher at once, each with its own lane number.</summary>
    public PayloadCipher(ReadOnlySpan<byte> fileKey, ReadOnlySpan<byte> nonce, int lanes = 1)
    {
        if (nonce.Length != NonceSize) throw new ArgumentException("The payload nonce is 16 bytes.", nameof(nonce));
        ArgumentOutOfRangeException.ThrowIfLessThan(lanes, 1);
        Span<byte> payloadKey = stackalloc byte[Primitives.KeySize];
        try
        {
            Primitives.Hkdf(fileKey, nonce, "payload"u8, payloadKey);
            if (ChaCha20Poly1305.IsSupported)
            {
                this.lanes = new ChaCha20Poly1305[lanes];
                for (int i = 0; i < lanes; i++) this.lanes[i] = new ChaCha20Poly1305(payloadKey);
            }
            else
            {
                fallback = Key.Import(AeadAlgorithm.ChaCha20Poly1305, payloadKey, KeyBlobFormat.RawSymmetricKey);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(payloadKey);
        }
    }

    public int Lanes => lanes?.Length ?? int.MaxValue;

    /// <summary>Seals one chunk: <paramref name="ciphertext"/> is <paramref name="plaintext"/>'s length + 16.</summary>
    public void Seal(int lane, ulong counter, bool last, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext)
    {
        Span<byte> nonce = stackalloc byte[12];
        ChunkNonce(counter, last, nonce);
        if (lanes is not null)
            lanes[lane].Encrypt(nonce, plaintext, ciphertext[..plaintext.Length], ciphertext[plaintext.Length..]);
        else
            AeadAlgorithm.ChaCha20Poly1305.Encrypt(fallback!, nonce, default, plaintext, ciphertext);
    }

    /// <summary>Opens one chunk; false when it does not authenticate as chunk <paramref name="counter"/> with this flag.</summary>
    public bool TryOpen(int lane, ulong counter, bool last, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext)
    {
        Span<byte> nonce = stackalloc byte[12];
        ChunkNonce(counter, last, nonce);
        if (lanes is null)
            return AeadAlgorithm.ChaCha20Poly1305.Decrypt(fallback!, nonce, default, ciphertext, plaintext);
        try
        {
            lanes[lane].Decrypt(nonce, ciphertext[..^TagSize], ciphertext[^TagSize..], plaintext);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            // Only on a damaged or hostile file (the plaintext span has been zeroed).
            return false;
        }
    }

    /// <summary>Opens chunk <paramref name="counter"/> given how much ciphertext it has and whether
    /// the payload is known to end right after it; returns the plaintext length or throws.</summary>
    public int Open(int lane, ulong counter, ReadOnlySpan<byte> ciphertext, bool endsPayload, Span<byte> plaintext)
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
            // A file cut inside a chunk looks exactly like a damaged last chunk: say both.
            if (!TryOpen(lane, counter, last: true, ciphertext, output))
                throw Failure(AgeFailure.PayloadCorrupt, $"the last payload chunk ({counter}) does not authenticate: the file was damaged, altered or cut short");
            return output.Length;
        }
        if (endsPayload)
        {
            if (TryOpen(lane, counter, last: true, ciphertext, output)) return output.Length;
            if (TryOpen(lane, counter, last: false, ciphertext, output))
            {
                CryptographicOperations.ZeroMemory(output);
                throw Failure(AgeFailure.Truncated, "the payload ends before its last chunk");
            }
            throw Failure(AgeFailure.PayloadCorrupt, $"payload chunk {counter} does not authenticate");
        }
        if (TryOpen(lane, counter, last: false, ciphertext, output)) return output.Length;
        if (TryOpen(lane, counter, last: true, ciphertext, output))
        {
            CryptographicOperations.ZeroMemory(output);
            throw Failure(AgeFailure.PayloadCorrupt, "data follows the last payload chunk");
        }
        throw Failure(AgeFailure.PayloadCorrupt, $"payload chunk {counter} does not authenticate");
    }

    static void ChunkNonce(ulong counter, bool last, Span<byte> nonce)
    {
        // 11-byte big-endian counter: the top 3 bytes stay zero, 2^64 chunks is beyond any file.
        nonce[..3].Clear();
        BinaryPrimitives.WriteUInt64BigEndian(nonce[3..11], counter);
        nonce[11] = last ? (byte)1 : (byte)0;
    }

    internal static AgeException Failure(AgeFailure failure, string why) => new(failure, "age payload: " + why);

    public void Dispose()
    {
        foreach (var lane in lanes ?? []) lane.Dispose();
        fallback?.Dispose();
    }
}
