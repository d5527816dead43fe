using System.Buffers;
using System.Runtime.ExceptionServices;

namespace Reporting.Format.Age.Payload;

/// <summary>Seals and opens whole payloads stream to stream on every core. Chunks are independent
/// given their counter, so each worker takes whole batches of chunks in turn: it reads its batch
/// (reads happen in file order, one at a time), transforms it on its own, then writes it (writes
/// in file order too). While one worker reads or writes, the others compute; no worker waits on a
/// scheduler hand-off between stages, which keeps throughput up even on a busy machine. Memory is
/// two pooled buffers per worker (4 MiB in all on two cores, at most about 12 MiB), whatever the payload's size.</summary>
internal static class ParallelPayload
{
    /// <summary>One worker per core, and at least two, so that I/O overlaps computing on one core. Not
    /// more: reading and writing through the page cache is work for a core, not waiting, and with more
    /// workers than cores the scheduler preempts one while it holds the turn to read or write, holding
    /// up all the others (a whole 768 MiB seal on two idle cores: 0.49–0.59 s with two workers,
    /// 0.61–0.86 s with three).</summary>
    public static int Workers => Math.Clamp(Environment.ProcessorCount, 2, 64);

    /// <summary>2^k − 1 chunks a batch: 15 (about 1 MiB), so that a worker's two buffers fit its core's L2
    /// cache (2 MiB here) from reading through sealing to writing. Measured on two cores: with a core
    /// taken by other work, 2 MiB batches cost about 8% more CPU; on idle cores 7, 15 and 31 chunks are
    /// alike, and 15 holds half the memory of 31. Fewer where many workers would together hold more than
    /// about 12 MiB. A sealed batch (n × 65552 bytes) then still fits the same 2^(k+16)-byte pool bucket
    /// as a plaintext batch, instead of twice that.</summary>
    static int BatchChunks(int workers) =>
        Math.Min(15, Math.Max(1, (1 << System.Numerics.BitOperations.Log2((uint)(192 / (2 * workers)))) - 1));

    delegate int ChunkTransform(int lane, ulong counter, bool endsPayload, ReadOnlySpan<byte> input, Span<byte> output);

    public static void Seal(System.IO.Stream input, System.IO.Stream sink, PayloadCipher cipher) =>
        new Pipeline(input, sink, cipher, PayloadCipher.ChunkSize, PayloadCipher.EncryptedChunkSize, clearInput: true,
            (lane, counter, last, plain, sealedChunk) =>
            {
                int length = plain.Length + PayloadCipher.TagSize;
                cipher.Seal(lane, counter, last, plain, sealedChunk[..length]);
                return length;
            }).Run();

    /// <summary>Every chunk of a batch is authenticated before any of the batch is written; batches
    /// after a failed one are never written.</summary>
    public static void Open(System.IO.Stream payload, System.IO.Stream output, PayloadCipher cipher) =>
        new Pipeline(payload, output, cipher, PayloadCipher.EncryptedChunkSize, PayloadCipher.ChunkSize, clearInput: false,
            (lane, counter, endsPayload, sealedChunk, plain) => cipher.Open(lane, counter, sealedChunk, endsPayload, plain)).Run();

    sealed class Pipeline(System.IO.Stream input, System.IO.Stream output, PayloadCipher cipher,
        int inChunk, int outChunk, bool clearInput, ChunkTransform transform)
    {
        readonly int workers = Math.Min(Workers, cipher.Lanes);
        readonly object gate = new();
        // Guarded by gate: whose turn it is to read and to write (batch numbers), and how it ended.
        int readTurn, writeTurn;
        bool inputEnded;
        int failedBatch = int.MaxValue;
        ExceptionDispatchInfo? failure;
        // Owned by the worker whose turn it is to read: the first byte of the next batch, read ahead
        // to learn whether the batch just read holds the payload's last chunk.
        byte carry;
        bool hasCarry;

        public void Run()
        {
            var others = new Task[workers - 1];
            for (int w = 1; w < workers; w++)
            {
                int lane = w;
                others[w - 1] = Task.Factory.StartNew(() => Work(lane), TaskCreationOptions.LongRunning);
            }
            Work(0);
            Task.WaitAll(others);
            failure?.Throw();
        }

        void Work(int lane)
        {
            int batchChunks = BatchChunks(workers);
            int batchBytes = batchChunks * inChunk;
            var pool = ArrayPool<byte>.Shared;
            byte[] inBatch = pool.Rent(batchBytes + 1);
            byte[] outBatch = pool.Rent(batchChunks * outChunk);
            int batch = lane;
            try
            {
                for (; ; batch += workers)
                {
                    if (!WaitToRead(batch)) return;
                    int length;
                    bool endsPayload;
                    try
                    {
                        int buffered = 0;
                        if (hasCarry) inBatch[buffered++] = carry;
                        buffered += input.ReadAtLeast(inBatch.AsSpan(buffered, batchBytes + 1 - buffered), batchBytes + 1 - buffered, throwOnEndOfStream: false);
                        endsPayload = buffered <= batchBytes;
                        length = Math.Min(buffered, batchBytes);
                        hasCarry = !endsPayload;
                        if (hasCarry) carry = inBatch[batchBytes];
                    }
                    finally
                    {
                        PassTurn(ref readTurn, batch, ended: true);
                    }

                    // Every batch before the last is full, so chunk counters follow from the batch number.
                    ulong first = (ulong)batch * (ulong)batchChunks;
                    // An empty payload is one empty last chunk (and, sealed, one bare tag).
                    int chunks = Math.Max(1, (length + inChunk - 1) / inChunk);
                    int total = 0;
                    for (int i = 0; i < chunks; i++)
                    {
                        int start = i * inChunk;
                        total += transform(lane, first + (ulong)i, endsPayload && i == chunks - 1,
                            inBatch.AsSpan(start, Math.Min(inChunk, length - start)), outBatch.AsSpan(i * outChunk, outChunk));
                    }

                    if (!WaitToWrite(batch)) return;
                    try
                    {
                        output.Write(outBatch, 0, total);
                    }
                    finally
                    {
                        PassTurn(ref writeTurn, batch, ended: false);
                    }
                    if (endsPayload) return;
                }
            }
            catch (Exception e)
            {
                Fail(batch, e);
            }
            finally
            {
                pool.Return(inBatch, clearArray: clearInput);
                pool.Return(outBatch, clearArray: !clearInput);
            }
        }

        /// <summary>Waits for <paramref name="batch"/>'s turn to read; false when there is nothing left
        /// to do: a failure, or an earlier batch held the payload's end.</summary>
        bool WaitToRead(int batch)
        {
            lock (gate)
            {
                while (readTurn != batch && failure is null && !inputEnded) Monitor.Wait(gate);
                return failure is null && !inputEnded;
            }
        }

        /// <summary>Waits for <paramref name="batch"/>'s turn to write; false after a failure.</summary>
        bool WaitToWrite(int batch)
        {
            lock (gate)
            {
                while (writeTurn != batch && failure is null) Monitor.Wait(gate);
                return failure is null;
            }
        }

        void PassTurn(ref int turn, int batch, bool ended)
        {
            lock (gate)
            {
                if (ended && !hasCarry) inputEnded = true;
                turn = batch + 1;
                Monitor.PulseAll(gate);
            }
        }

        /// <summary>Records a failure; the earliest batch's wins, since later batches may only fail because of it.</summary>
        void Fail(int batch, Exception e)
        {
            lock (gate)
            {
                if (batch < failedBatch)
                {
                    failedBatch = batch;
                    failure = ExceptionDispatchInfo.Capture(e);
                }
                Monitor.PulseAll(gate);
            }
        }
    }
}
