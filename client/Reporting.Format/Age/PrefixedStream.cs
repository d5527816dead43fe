namespace Reporting.Format.Age;

/// <summary>Replays a few bytes already read (to detect armor), then reads on from the source.
/// Does not own the source.</summary>
internal sealed class PrefixedStream(byte[] prefix, System.IO.Stream source) : System.IO.Stream
{
    private int position;

    public override int Read(Span<byte> buffer)
    {
        if (position < prefix.Length)
        {
            int n = Math.Min(buffer.Length, prefix.Length - position);
            prefix.AsSpan(position, n).CopyTo(buffer);
            position += n;
            return n;
        }
        return source.Read(buffer);
    }

    public override int ReadByte() => position < prefix.Length ? prefix[position++] : source.ReadByte();
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
