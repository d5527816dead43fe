using Npgsql;
using Reporting.Format.IO;

namespace Reporting.Server.Storage.Postgres;

/// <summary>Reads a stored item chunk by chunk, each with a short query: no transaction stays open
/// while a slow client downloads.</summary>
sealed class ChunkReader(NpgsqlDataSource data, string owner, long length) : ReadOnlyStream
{
    byte[] _chunk = [];
    int _offset;
    int _seq;
    long _position;

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (_position == length || destination.IsEmpty)
            return 0;
        if (_offset == _chunk.Length)
        {
            await using var command = data.CreateCommand("SELECT data FROM chunks WHERE owner = $1 AND seq = $2");
            PostgresSql.Add(command.Parameters, owner, _seq++);
            _chunk = await command.ExecuteScalarAsync(cancellationToken) as byte[]
                ?? throw new IOException("The stored item was deleted while it was being read.");
            _offset = 0;
            if (_chunk.Length == 0)
                throw new IOException("The stored item is damaged.");
        }
        var count = Math.Min(destination.Length, _chunk.Length - _offset);
        _chunk.AsMemory(_offset, count).CopyTo(destination);
        _offset += count;
        _position += count;
        return count;
    }

    /// <summary>Downloads are served asynchronously; a synchronous reader waits for the same.</summary>
    public override int Read(Span<byte> destination)
    {
        var copy = new byte[destination.Length];
        var count = ReadAsync(copy).AsTask().GetAwaiter().GetResult();
        copy.AsSpan(0, count).CopyTo(destination);
        return count;
    }

    public override long Length => length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }
}
