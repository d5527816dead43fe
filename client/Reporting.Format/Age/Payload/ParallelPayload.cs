using System.Buffers;

namespace Reporting.Format.Age.Payload;

/// <summary>Seals and opens whole payloads stream to stream. A three-stage pipeline: while one batch
/// of chunks is transformed on every core (chunks are independent given their counter), the next
/// batch is read and the previous one written. Memory is four pooled batch buffers (8 MiB on two
/// cores, at most 16 MiB), whatever the payload's size.</summary>
internal static class ParallelPayload
{
    public static int Workers => Math.Clamp(Environment.ProcessorCount, 1, 64);

    /// <summary>2^k − 1 chunks a batch, about eight per worker, 31 to 63: a sealed batch (n × 65552
    /// bytes) then still fits the same 2^(k+16)-byte pool bucket as a plaintext batch, instead of
    /// twice that; and four buffers of at most 4 MiB keep peak memory well under 64 MiB.</summary>
    private static int BatchChunks => (int)Math.Clamp(System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Workers * 8), 32, 64) - 1;

    private delegate int ChunkTransform(int lane, ulong counter, bool endsPayload, ReadOnlySpan<byte> input, Span<byte> output);

    public static void Seal(System.IO.Stream input, System.IO.Stream sink, PayloadCipher cipher) =>
        Run(input, sink, cipher, PayloadCipher.ChunkSize, PayloadCipher.EncryptedChunkSize, clearInput: true,
            (lane, counter, last, plain, sealedChunk) =>
            {
                int length = plain.Length + PayloadCipher.TagSize;
                cipher.Seal(lane, counter, last, plain, sealedChunk[..length]);
                return length;
            });

    /// <summary>Every chunk of a batch is authenticated before any of the batch is written.</summary>
    public static void Open(System.IO.Stream payload, System.IO.Stream output, PayloadCipher cipher) =>
        Run(payload, output, cipher, PayloadCipher.EncryptedChunkSize, PayloadCipher.ChunkSize, clearInput: false,
            (lane, counter, endsPayload, sealedChunk, plain) => cipher.Open(lane, counter, sealedChunk, endsPayload, plain));

    private static void Run(System.IO.Stream input, System.IO.Stream output, PayloadCipher cipher,
        int inChunk, int outChunk, bool clearInput, ChunkTransform transform)
    {
        int batch = BatchChunks;
        int batchBytes = batch * inChunk;
        var pool = ArrayPool<byte>.Shared;
        // Each input buffer holds a batch and the first byte of the next: that byte tells whether
        // the batch holds the payload's last chunk.
        byte[][] inputs = [pool.Rent(batchBytes + 1), pool.Rent(batchBytes + 1)];
        byte[][] outputs = [pool.Rent(batch * outChunk), pool.Rent(batch * outChunk)];
        Task<int> reading = Task.FromResult(0);
        Task writing = Task.CompletedTask;
        try
        {
            reading = StartRead(input, inputs[0], 0, batchBytes + 1);
            ulong counter = 0;
            for (int slot = 0; ; slot ^= 1)
            {
                byte[] inBatch = inputs[slot], outBatch = outputs[slot];
                int buffered = reading.GetAwaiter().GetResult();
                bool endsPayload = buffered <= batchBytes;
                if (!endsPayload)
                {
                    inputs[slot ^ 1][0] = inBatch[batchBytes];
                    reading = StartRead(input, inputs[slot ^ 1], 1, batchBytes + 1);
                }
                int length = Math.Min(buffered, batchBytes);
                // An empty payload is one empty last chunk (and, sealed, one bare tag).
                int chunks = Math.Max(1, (length + inChunk - 1) / inChunk);
                ulong first = counter;
                int lastLength = 0;
                ForEachChunk(cipher, chunks, (lane, i) =>
                {
                    int start = i * inChunk;
                    int n = transform(lane, first + (ulong)i, endsPayload && i == chunks - 1,
                        inBatch.AsSpan(start, Math.Min(inChunk, length - start)), outBatch.AsSpan(i * outChunk, outChunk));
                    if (i == chunks - 1) lastLength = n;
                });
                counter += (ulong)chunks;
                writing.GetAwaiter().GetResult();
                int total = (chunks - 1) * outChunk + lastLength;
                writing = Task.Run(() => output.Write(outBatch, 0, total));
                if (endsPayload) break;
            }
            writing.GetAwaiter().GetResult();
        }
        finally
        {
            // No read or write may still use a buffer that goes back to the pool.
            WaitQuietly(reading);
            WaitQuietly(writing);
            foreach (byte[] b in inputs) pool.Return(b, clearArray: clearInput);
            foreach (byte[] b in outputs) pool.Return(b, clearArray: !clearInput);
        }
    }

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/> up to <paramref name="end"/>
    /// (or the end of input) in the background; the result is how many bytes the buffer then holds.</summary>
    private static Task<int> StartRead(System.IO.Stream input, byte[] buffer, int offset, int end) =>
        Task.Run(() => offset + input.ReadAtLeast(buffer.AsSpan(offset, end - offset), end - offset, throwOnEndOfStream: false));

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

    /// <summary>Waits for a background read or write without throwing: its own failure was already
    /// thrown, or is moot because another failure is on its way out.</summary>
    private static void WaitQuietly(Task task)
    {
        try
        {
            task.Wait();
        }
        catch (AggregateException)
        {
        }
    }
}
