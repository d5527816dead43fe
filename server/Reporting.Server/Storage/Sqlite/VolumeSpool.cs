namespace Reporting.Server.Storage.Sqlite;

/// <summary>A body being received into a place of a <see cref="CiphertextVolume"/>: written from the start to
/// its end, then read back from the start (as often as asked); its place is erased when this is disposed.</summary>
sealed class VolumeSpool(CiphertextVolume volume, string owner, long place, long size) : Stream
{
    long _written;
    long _position;
    int _disposed;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => true;
    public override long Length => _written;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 && value <= _written ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => _written + offset,
    };

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Room(buffer.Length);
        RandomAccess.Write(volume.Handle, buffer, place + _position);
        Advance(buffer.Length);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Room(buffer.Length);
        await RandomAccess.WriteAsync(volume.Handle, buffer, place + _position, cancellationToken);
        Advance(buffer.Length);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var wanted = (int)Math.Min(buffer.Length, _written - _position);
        if (wanted <= 0)
            return 0;
        var read = RandomAccess.Read(volume.Handle, buffer[..wanted], place + _position);
        _position += read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var wanted = (int)Math.Min(buffer.Length, _written - _position);
        if (wanted <= 0)
            return 0;
        var read = await RandomAccess.ReadAsync(volume.Handle, buffer[..wanted], place + _position, cancellationToken);
        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>The place holds <paramref name="size"/> bytes and no more: a neighbour's block is never written.</summary>
    void Room(int count)
    {
        if (_position + count > size)
            throw new IOException($"The body is longer than the {size} bytes its place was made for.");
    }

    void Advance(int count)
    {
        _position += count;
        _written = Math.Max(_written, _position);
    }

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            volume.Erase(owner, place, size);
        base.Dispose(disposing);
    }
}
