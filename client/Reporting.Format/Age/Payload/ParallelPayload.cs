using System.Buffers;

namespace Reporting.Format.Age.Payload;

/// <summary>Seals and opens whole payloads stream to stream: a batch of chunks at a time, spread
/// over every core (chunks are independent given their counter), while the previous batch is
/// being written. Memory is three pooled batch buffers, whatever the payload's size.</summary>
internal static class ParallelPayload
{
    public static int Workers => Math.Clamp(Environment.ProcessorCount, 1, 64);
    /// <summary>Several chunks per worker per batch, and at most 8 MiB a buffer (three buffers: ≤ 24 MiB).</summary>
    private static int BatchChunks => Math.Clamp(Workers * 8, 32, 128);

    public static void Seal(System.IO.Stream input, System.IO.Stream sink, PayloadCipher cipher)
    {
        int batch = BatchChunks;
        int batchBytes = batch * PayloadCipher.ChunkSize;
        // One batch of plaintext and the first byte of the next: it tells whether this batch holds the last chunk.
        byte[] plain = ArrayPool<byte>.Shared.Rent(batchBytes + 1);
        byte[][] sealedBatches = [ArrayPool<byte>.Shared.Rent(batch * PayloadCipher.EncryptedChunkSize),
                                  ArrayPool<byte>.Shared.Rent(batch * PayloadCipher.EncryptedChunkSize)];
        Task writing = Task.CompletedTask;
        try
        {
            int buffered = 0, slot = 0;
            ulong counter = 0;
            while (true)
            {
                buffered += input.ReadAtLeast(plain.AsSpan(buffered, batchBytes + 1 - buffered), batchBytes + 1 - buffered, throwOnEndOfStream: false);
                bool endsPayload = buffered <= batchBytes;
                int length = Math.Min(buffered, batchBytes);
                // An empty payload is one empty last chunk.
                int chunks = Math.Max(1, (length + PayloadCipher.ChunkSize - 1) / PayloadCipher.ChunkSize);
                ulong first = counter;
                byte[] sealedBatch = sealedBatches[slot];
                ForEachChunk(cipher, chunks, (lane, i) =>
                {
                    int start = i * PayloadCipher.ChunkSize;
                    int size = Math.Min(PayloadCipher.ChunkSize, length - start);
                    cipher.Seal(lane, first + (ulong)i, endsPayload && i == chunks - 1, plain.AsSpan(start, size),
                        sealedBatch.AsSpan(i * PayloadCipher.EncryptedChunkSize, size + PayloadCipher.TagSize));
                });
                counter += (ulong)chunks;
                writing.GetAwaiter().GetResult();
                int total = length + chunks * PayloadCipher.TagSize;
                writing = Task.Run(() => sink.Write(sealedBatch, 0, total));
                slot ^= 1;
                if (endsPayload) break;
                plain[0] = plain[batchBytes];
                buffered = 1;
            }
            writing.GetAwaiter().GetResult();
        }
        finally
        {
            WaitQuietly(writing);
            ArrayPool<byte>.Shared.Return(plain, clearArray: true);
            foreach (byte[] b in sealedBatches) ArrayPool<byte>.Shared.Return(b);
        }
    }

    public static void Open(System.IO.Stream payload, System.IO.Stream output, PayloadCipher cipher)
    {
        int batch = BatchChunks;
        int batchBytes = batch * PayloadCipher.EncryptedChunkSize;
        byte[] sealedBatch = ArrayPool<byte>.Shared.Rent(batchBytes + 1);
        byte[][] plainBatches = [ArrayPool<byte>.Shared.Rent(batch * PayloadCipher.ChunkSize),
                                 ArrayPool<byte>.Shared.Rent(batch * PayloadCipher.ChunkSize)];
        Task writing = Task.CompletedTask;
        try
        {
            int buffered = 0, slot = 0;
            ulong counter = 0;
            while (true)
            {
                buffered += payload.ReadAtLeast(sealedBatch.AsSpan(buffered, batchBytes + 1 - buffered), batchBytes + 1 - buffered, throwOnEndOfStream: false);
                bool endsPayload = buffered <= batchBytes;
                int length = Math.Min(buffered, batchBytes);
                int chunks = Math.Max(1, (length + PayloadCipher.EncryptedChunkSize - 1) / PayloadCipher.EncryptedChunkSize);
                ulong first = counter;
                byte[] plain = plainBatches[slot];
                int lastSize = 0;
                // Every chunk of the batch is authenticated before any of it is written.
                ForEachChunk(cipher, chunks, (lane, i) =>
                {
                    int start = i * PayloadCipher.EncryptedChunkSize;
                    int size = Math.Min(PayloadCipher.EncryptedChunkSize, length - start);
                    int opened = cipher.Open(lane, first + (ulong)i, sealedBatch.AsSpan(start, size), endsPayload && i == chunks - 1,
                        plain.AsSpan(i * PayloadCipher.ChunkSize, PayloadCipher.ChunkSize));
                    if (i == chunks - 1) lastSize = opened;
                });
                counter += (ulong)chunks;
                writing.GetAwaiter().GetResult();
                int total = (chunks - 1) * PayloadCipher.ChunkSize + lastSize;
                writing = Task.Run(() => output.Write(plain, 0, total));
                slot ^= 1;
                if (endsPayload) break;
                sealedBatch[0] = sealedBatch[batchBytes];
                buffered = 1;
            }
            writing.GetAwaiter().GetResult();
        }
        finally
        {
            WaitQuietly(writing);
            ArrayPool<byte>.Shared.Return(sealedBatch);
            foreach (byte[] b in plainBatches) ArrayPool<byte>.Shared.Return(b, clearArray: true);
        }
    }

    /// <summary>Runs <paramref name="work"/>(lane, chunk) for every chunk of a batch, one lane per worker.</summary>
    private static void ForEachChunk(PayloadCipher cipher, int chunks, Action<int, int> work)
    {
        int workers = Math.Min(Math.Min(cipher.Lanes, Workers), chunks);
        if (workers == 1)
        {
            for (int i = 0; i < chunks; i++) work(0, i);
            return;
        }
        try
        {
            Parallel.For(0, workers, lane =>
            {
                for (int i = lane; i < chunks; i += workers) work(lane, i);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.OfType<AgeException>().FirstOrDefault() is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>Before a buffer goes back to the pool, no write may still read it. A write's own
    /// failure was already thrown, or is moot because another failure is on its way out.</summary>
    private static void WaitQuietly(Task writing)
    {
        try
        {
            writing.Wait();
        }
        catch (AggregateException)
        {
        }
    }
}
