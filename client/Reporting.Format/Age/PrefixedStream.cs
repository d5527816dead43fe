using Reporting.Format.IO;
namespace Reporting.Format.Age;

/// <summary>Replays a few bytes already read (to detect armor), then reads on from the source.
/// Does not own the source.</summary>
internal sealed class PrefixedStream(byte[] prefix, System.IO.Stream source) : ReadOnlyStream
{
    int position;

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
}
