using System.Buffers;
using Npgsql;
using NpgsqlTypes;

namespace Reporting.Server.Storage.Postgres;

/// <summary>Ciphertext in the PostgreSQL store: rows of <see cref="Size"/> bytes per item, numbered from
/// 0, stored out of line without compression (it does not compress). Read back by <see cref="ChunkReader"/>.</summary>
static class Chunks
{
    /// <summary>Large enough that a typical envelope is one row, small enough that a chunk in memory
    /// (writing or reading) costs little.</summary>
    public const int Size = 1 << 20;

    /// <summary>Fills <paramref name="buffer"/> with the next chunk of <paramref name="source"/>, the last one
    /// shorter (perhaps empty), and checks the length so far against the declared <paramref name="size"/>.</summary>
    public static async Task<int> ReadAsync(Stream source, byte[] buffer, long before, long size, CancellationToken cancellationToken)
    {
        var filled = await source.ReadAtLeastAsync(buffer.AsMemory(0, Size), Size, throwOnEndOfStream: false, cancellationToken);
        DeclaredLength.Check(before + filled, size, ended: filled < Size);
        return filled;
    }

    /// <summary>Inserts every chunk of <paramref name="source"/>, as <see cref="WriteAsync(NpgsqlConnection, NpgsqlTransaction, string, int, long, long, Stream, byte[], CancellationToken)"/>.</summary>
    public static async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string owner, long size, Stream source, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Size);
        try
        {
            await WriteAsync(connection, transaction, owner, firstSeq: 0, written: 0, size, source, buffer, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Inserts the chunks of <paramref name="source"/> from <paramref name="firstSeq"/> on, after
    /// <paramref name="written"/> bytes already stored. Throws <see cref="ArgumentException"/> when the source
    /// is shorter or longer than declared; the caller's transaction then rolls back with nothing kept.</summary>
    public static async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string owner, int firstSeq, long written, long size,
        Stream source, byte[] buffer, CancellationToken cancellationToken)
    {
        for (var seq = firstSeq; ; seq++)
        {
            var filled = await ReadAsync(source, buffer, written, size, cancellationToken);
            written += filled;
            if (filled == 0)
                return;
            await using var insert = new NpgsqlCommand("INSERT INTO chunks (owner, seq, data) VALUES ($1, $2, $3)", connection, transaction);
            PostgresSql.Add(insert.Parameters, owner, seq);
            insert.Parameters.Add(Bytes(buffer, filled));
            await insert.ExecuteNonQueryAsync(cancellationToken);
            if (filled < Size)
                return;
        }
    }

    /// <summary>The first <paramref name="count"/> bytes of a chunk buffer, as a bytea parameter.</summary>
    public static NpgsqlParameter Bytes(byte[] buffer, int count) =>
        new() { NpgsqlDbType = NpgsqlDbType.Bytea, Value = new ReadOnlyMemory<byte>(buffer, 0, count) };
}
