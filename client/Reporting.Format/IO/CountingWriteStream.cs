namespace Reporting.Format.IO;

/// <summary>A write-only pass-through that counts the bytes written, and tells <c>onWrite</c> the running
/// total (e.g. for a progress bar). Disposing it leaves the inner stream open.</summary>
public sealed class CountingWriteStream(Stream inner, Action<long>? onWrite = null) : Stream
{
    public long Count { get; private set; }
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        Count += buffer.Length;
        onWrite?.Invoke(Count);
    }
}
