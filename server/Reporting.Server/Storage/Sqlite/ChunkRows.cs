using Microsoft.Data.Sqlite;
using Reporting.Format.IO;

namespace Reporting.Server.Storage.Sqlite;

/// <summary>The rows of a chunk query of the first layout read one after another as a stream (the
/// upgrade's source, see <see cref="SqliteSchema"/>). Owns the query: disposing the stream ends it.</summary>
sealed class ChunkRows(SqliteCommand query) : ReadOnlyStream
{
    SqliteDataReader? _reader;
    byte[] _chunk = [];
    int _offset;

    public override int Read(Span<byte> destination)
    {
        _reader ??= query.ExecuteReader();
        while (_offset == _chunk.Length)
        {
            if (!_reader.Read())
                return 0;
            _chunk = _reader.GetFieldValue<byte[]>(0);
            _offset = 0;
        }
        var n = Math.Min(destination.Length, _chunk.Length - _offset);
        _chunk.AsSpan(_offset, n).CopyTo(destination);
        _offset += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader?.Dispose();
            query.Dispose();
        }
        base.Dispose(disposing);
    }
}
