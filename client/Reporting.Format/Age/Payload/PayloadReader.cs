using Reporting.Format.IO;
using System.Buffers;

namespace Reporting.Format.Age.Payload;

/// <summary>Returns the plaintext of a payload one authenticated chunk at a time: no byte of a chunk
/// is returned before its tag verifies. Reads one byte ahead to know whether a full chunk is the
/// last; truncation, trailing data and reordered chunks throw <see cref="AgeException"/>.</summary>
internal sealed class PayloadReader : ReadOnlyStream
{
    readonly System.IO.Stream source;
    readonly System.IO.Stream? owned;
    readonly PayloadCipher cipher;
    // One chunk and the first byte of the next.
    readonly byte[] sealedChunk = ArrayPool<byte>.Shared.Rent(PayloadCipher.EncryptedChunkSize + 1);
    readonly byte[] plain = ArrayPool<byte>.Shared.Rent(PayloadCipher.ChunkSize);
    int buffered, plainStart, plainEnd;
    ulong counter;
    bool finished, disposed;
    AgeException? failure;

    /// <summary>Takes ownership of <paramref name="cipher"/>; disposes <paramref name="owned"/> (if any) when disposed.</summary>
    public PayloadReader(System.IO.Stream source, PayloadCipher cipher, System.IO.Stream? owned)
    {
        this.source = source;
        this.cipher = cipher;
        this.owned = owned;
    }

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (failure is not null) throw failure;
        if (buffer.IsEmpty) return 0;
        while (plainStart == plainEnd)
        {
            if (finished) return 0;
            try
            {
                OpenNextChunk();
            }
            catch (AgeException e)
            {
                failure = e;
                throw;
            }
        }
        int n = Math.Min(buffer.Length, plainEnd - plainStart);
        plain.AsSpan(plainStart, n).CopyTo(buffer);
        plainStart += n;
        return n;
    }

    void OpenNextChunk()
    {
        buffered += source.ReadAtLeast(sealedChunk.AsSpan(buffered, PayloadCipher.EncryptedChunkSize + 1 - buffered),
            PayloadCipher.EncryptedChunkSize + 1 - buffered, throwOnEndOfStream: false);
        bool endsPayload = buffered <= PayloadCipher.EncryptedChunkSize;
        int length = Math.Min(buffered, PayloadCipher.EncryptedChunkSize);
        plainStart = 0;
        plainEnd = cipher.Open(0, counter, sealedChunk.AsSpan(0, length), endsPayload, plain);
        counter++;
        if (endsPayload)
        {
            finished = true;
            buffered = 0;
        }
        else
        {
            sealedChunk[0] = sealedChunk[PayloadCipher.EncryptedChunkSize];
            buffered = 1;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !disposed)
        {
            disposed = true;
            cipher.Dispose();
            ArrayPool<byte>.Shared.Return(sealedChunk);
            ArrayPool<byte>.Shared.Return(plain, clearArray: true);
            owned?.Dispose();
        }
        base.Dispose(disposing);
    }
}
