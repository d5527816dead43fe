using System.Buffers;
using Npgsql;
using static Reporting.Server.Storage.Postgres.PostgresSql;

namespace Reporting.Server.Storage.Postgres;

/// <summary>Replies: the row and its chunks in one transaction, whichever instance the post reached.</summary>
public sealed partial class PostgresReportStore
{
    public async Task<string> AddReplyAsync(NewReply reply, Stream ciphertext, CancellationToken cancellationToken = default)
    {
        var key = reply.IdempotencyKeyHash;
        await using var connection = await _data.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Takes the key (or waits for whoever holds it, then reads theirs): two posts of the same reply
        // store one, whichever instance each reached.
        await using (var claim = new NpgsqlCommand("""
            INSERT INTO idempotency (key_hash, report_id, day) VALUES ($1, $2, $3)
            ON CONFLICT (key_hash) DO UPDATE SET key_hash = EXCLUDED.key_hash RETURNING report_id
            """, connection, transaction))
        {
            Add(claim.Parameters, key, reply.Id, reply.Day);
            var holder = (string)(await claim.ExecuteScalarAsync(cancellationToken))!;
            if (holder != reply.Id)
            {
                await using var earlier = new NpgsqlCommand("SELECT id FROM replies WHERE id = $1 AND mailbox = $2", connection, transaction);
                Add(earlier.Parameters, holder, reply.Mailbox);
                if (await earlier.ExecuteScalarAsync(cancellationToken) is string id)
                {
                    await transaction.RollbackAsync(cancellationToken);
                    return id;
                }
                await using var take = new NpgsqlCommand("UPDATE idempotency SET report_id = $2, day = $3 WHERE key_hash = $1", connection, transaction);
                Add(take.Parameters, key, reply.Id, reply.Day);
                await take.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        await using (var row = new NpgsqlCommand("INSERT INTO replies (id, mailbox, day, size, expires) VALUES ($1, $2, $3, $4, $5)", connection, transaction))
        {
            Add(row.Parameters, reply.Id, reply.Mailbox, reply.Day, reply.Size, reply.Expires);
            await row.ExecuteNonQueryAsync(cancellationToken);
        }
        var buffer = ArrayPool<byte>.Shared.Rent(Chunks.Size);
        try
        {
            await Chunks.WriteAsync(connection, transaction, reply.Id, firstSeq: 0, written: 0, reply.Size, ciphertext, buffer, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        await transaction.CommitAsync(cancellationToken);
        return reply.Id;
    }

    public Task<IReadOnlyList<StoredItem>> ListRepliesAsync(string mailbox, CancellationToken cancellationToken = default) =>
        _data.ReadItemsAsync("SELECT id, day, size, 0 FROM replies WHERE mailbox = $1 ORDER BY day, id", cancellationToken, mailbox);

    public async Task<StoredBlob?> OpenReplyAsync(string mailbox, string id, CancellationToken cancellationToken = default) =>
        await _data.ScalarAsync("SELECT size FROM replies WHERE id = $1 AND mailbox = $2", cancellationToken, id, mailbox) is long size
            ? new StoredBlob(size, new ChunkReader(_data, id, size))
            : null;

    public Task<bool> DeleteReplyAsync(string mailbox, string id, CancellationToken cancellationToken = default) =>
        DeleteItemAsync("DELETE FROM replies WHERE id = $1 AND mailbox = $2", id, mailbox, cancellationToken);
}
