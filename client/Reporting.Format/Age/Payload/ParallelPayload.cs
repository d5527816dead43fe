using System.Buffers;

namespace Reporting.Format.Age.Payload;

/// <summary>Seals and opens whole payloads stream to stream, a batch of chunks at a time on every
/// core (chunks are independent given their counter). Memory is two pooled batch buffers,
/// whatever the payload's size.</summary>
internal static class ParallelPayload
{
    /// <summary>Chunks per batch: enough for every core to get several, small enough to stay a few MiB.</summary>
    private static int BatchChunks => Math.Clamp(Environment.ProcessorCount * 8, 16, 128);

    public static void Seal(System.IO.Stream input, System.IO.Stream sink, PayloadCipher cipher)
    {
        int batch = BatchChunks;
        int batchBytes = batch * PayloadCipher.ChunkSize;
        // One batch of plaintext and the first byte of the next: it tells whether this batch holds the last chunk.
        byte[] plain = ArrayPool<byte>.Shared.Rent(batchBytes + 1);
        byte[] sealedBatch = ArrayPool<byte>.Shared.Rent(batch * PayloadCipher.EncryptedChunkSize);
        try
        {
            int buffered = 0;
            ulong counter = 0;
            while (true)
            {
                buffered += input.ReadAtLeast(plain.AsSpan(buffered, batchBytes + 1 - buffered), batchBytes + 1 - buffered, throwOnEndOfStream: false);
                bool endsPayload = buffered <= batchBytes;
                int length = Math.Min(buffered, batchBytes);
                // An empty payload is one empty last chunk.
                int chunks = Math.Max(1, (length + PayloadCipher.ChunkSize - 1) / PayloadCipher.ChunkSize);
                ulong first = counter;
                Parallel.For(0, chunks, i =>
                {
                    int start = i * PayloadCipher.ChunkSize;
                    int size = Math.Min(PayloadCipher.ChunkSize, length - start);
                    cipher.Seal(first + (ulong)i, endsPayload && i == chunks - 1, plain.AsSpan(start, size),
                        sealedBatch.AsSpan(i * PayloadCipher.EncryptedChunkSize, size + PayloadCipher.TagSize));
                });
                counter += (ulong)chunks;
                sink.Write(sealedBatch, 0, length + chunks * PayloadCipher.TagSize);
                if (endsPayload) break;
                plain[0] = plain[batchBytes];
                buffered = 1;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plain, clearArray: true);
            ArrayPool<byte>.Shared.Return(sealedBatch);
        }
    }

    public static void Open(System.IO.Stream payload, System.IO.Stream output, PayloadCipher cipher)
    {
        int batch = BatchChunks;
        int batchBytes = batch * PayloadCipher.EncryptedChunkSize;
        byte[] sealedBatch = ArrayPool<byte>.Shared.Rent(batchBytes + 1);
        byte[] plain = ArrayPool<byte>.Shared.Rent(batch * PayloadCipher.ChunkSize);
        try
        {
            int buffered = 0;
            ulong counter = 0;
            while (true)
            {
                buffered += payload.ReadAtLeast(sealedBatch.AsSpan(buffered, batchBytes + 1 - buffered), batchBytes + 1 - buffered, throwOnEndOfStream: false);
                bool endsPayload = buffered <= batchBytes;
                int length = Math.Min(buffered, batchBytes);
                int chunks = Math.Max(1, (length + PayloadCipher.EncryptedChunkSize - 1) / PayloadCipher.EncryptedChunkSize);
                ulong first = counter;
                var sizes = new int[chunks];
                Parallel.For(0, chunks, i =>
                {
                    int start = i * PayloadCipher.EncryptedChunkSize;
                    int size = Math.Min(PayloadCipher.EncryptedChunkSize, length - start);
                    sizes[i] = cipher.Open(first + (ulong)i, sealedBatch.AsSpan(start, size), endsPayload && i == chunks - 1,
                        plain.AsSpan(i * PayloadCipher.ChunkSize, PayloadCipher.ChunkSize));
                });
                counter += (ulong)chunks;
                output.Write(plain, 0, (chunks - 1) * PayloadCipher.ChunkSize + sizes[^1]);
                if (endsPayload) break;
                sealedBatch[0] = sealedBatch[batchBytes];
                buffered = 1;
            }
        }
        catch (AggregateException e) when (e.InnerExceptions.FirstOrDefault(x => x is AgeException) is AgeException age)
        {
            throw age;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(sealedBatch);
            ArrayPool<byte>.Shared.Return(plain, clearArray: true);
        }
    }
}
