using Npgsql;
using static Reporting.Server.Storage.Postgres.PostgresSql;

namespace Reporting.Server.Storage.Postgres;

/// <summary>Replies: the row and its chunks in one transaction, whichever instance the post reached.</summary>
public sealed partial class PostgresReportStore
{
    /// <summary>The key is claimed (<see cref="ReplyKeyClaim"/>; waiting for whoever holds it, so two posts
    /// of the same reply store one whichever instance each reached), then the row and chunks stored, all in
    /// one transaction.</summary>
    public async Task<string> AddReplyAsync(NewReply reply, Stream ciphertext, CancellationToken cancellationToken = default)
    {
        var key = reply.IdempotencyKeyHash;
        await using var connection = await _data.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        async Task<object?> RunAsync(string sql, params object[] parameters)
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            Add(command.Parameters, parameters);
            return await command.ExecuteScalarAsync(cancellationToken);
        }
        var earlier = await ReplyKeyClaim.EarlierReplyAsync(reply,
            claim: async () => (string)(await RunAsync("""
                INSERT INTO idempotency (key_hash, report_id, day) VALUES ($1, $2, $3)
                ON CONFLICT (key_hash) DO UPDATE SET key_hash = EXCLUDED.key_hash RETURNING report_id
                """, key, reply.Id, reply.Day))!,
            isReplyOfMailbox: async holder => await RunAsync("SELECT 1 FROM replies WHERE id = $1 AND mailbox = $2", holder, reply.Mailbox) is not null,
            take: () => RunAsync("UPDATE idempotency SET report_id = $2, day = $3 WHERE key_hash = $1", key, reply.Id, reply.Day));
        if (earlier is not null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return earlier;
        }
        await RunAsync("INSERT INTO replies (id, mailbox, day, size, expires) VALUES ($1, $2, $3, $4, $5)", reply.Id, reply.Mailbox, reply.Day, reply.Size, reply.Expires);
        await Chunks.WriteAsync(connection, transaction, reply.Id, reply.Size, ciphertext, cancellationToken);
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
