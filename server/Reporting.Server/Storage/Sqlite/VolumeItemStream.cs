using Microsoft.Win32.SafeHandles;

namespace Reporting.Server.Storage.Sqlite;

/// <summary>Reads one item's bytes, positionally, from the shared <see cref="CiphertextVolume"/> file; <paramref name="closed"/> runs once, when it is closed.</summary>
sealed class VolumeItemStream(SafeFileHandle file, long place, long size, Action? closed) : Stream
{
    long _position;
    int _closed;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => size;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var wanted = (int)Math.Min(buffer.Length, size - _position);
        if (wanted <= 0)
            return 0;
        var read = RandomAccess.Read(file, buffer[..wanted], place + _position);
        _position += read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var wanted = (int)Math.Min(buffer.Length, size - _position);
        if (wanted <= 0)
            return 0;
        var read = await RandomAccess.ReadAsync(file, buffer[..wanted], place + _position, cancellationToken);
        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
            closed?.Invoke();
        base.Dispose(disposing);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
