using Reporting.Format.IO;
using System.Buffers;

namespace Reporting.Format.Age.Payload;

/// <summary>Seals what is written to it, one 64 KiB chunk at a time. A full chunk is sealed only
/// once more data arrives, because until then it might be the last one; disposing seals the last.</summary>
internal sealed class PayloadWriter : WriteOnlyStream
{
    readonly System.IO.Stream sink;
    readonly bool ownsSink;
    readonly PayloadCipher cipher;
    readonly byte[] plain = ArrayPool<byte>.Shared.Rent(PayloadCipher.ChunkSize);
    readonly byte[] sealedChunk = ArrayPool<byte>.Shared.Rent(PayloadCipher.EncryptedChunkSize);
    int count;
    ulong counter;
    bool disposed;

    /// <summary>Takes ownership of <paramref name="cipher"/>.</summary>
    public PayloadWriter(System.IO.Stream sink, bool ownsSink, PayloadCipher cipher)
    {
        this.sink = sink;
        this.ownsSink = ownsSink;
        this.cipher = cipher;
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        while (buffer.Length > 0)
        {
            if (count == PayloadCipher.ChunkSize) SealChunk(last: false);
            int n = Math.Min(buffer.Length, PayloadCipher.ChunkSize - count);
            buffer[..n].CopyTo(plain.AsSpan(count));
            count += n;
            buffer = buffer[n..];
        }
    }

    void SealChunk(bool last)
    {
        cipher.Seal(0, counter, last, plain.AsSpan(0, count), sealedChunk.AsSpan(0, count + PayloadCipher.TagSize));
        sink.Write(sealedChunk, 0, count + PayloadCipher.TagSize);
        counter++;
        count = 0;
    }

    /// <summary>Flushes what is sealed so far; the chunk being filled stays buffered.</summary>
    public override void Flush() => sink.Flush();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !disposed)
        {
            disposed = true;
            try
            {
                // The last chunk: may be short; empty only when the whole payload is empty.
                SealChunk(last: true);
                sink.Flush();
            }
            finally
            {
                cipher.Dispose();
                ArrayPool<byte>.Shared.Return(plain, clearArray: true);
                ArrayPool<byte>.Shared.Return(sealedChunk);
                if (ownsSink) sink.Dispose();
            }
        }
        base.Dispose(disposing);
    }
}
