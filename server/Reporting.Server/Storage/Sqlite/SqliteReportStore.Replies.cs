using static Reporting.Server.Storage.Sqlite.SqliteSql;

namespace Reporting.Server.Storage.Sqlite;

/// <summary>Replies: few and small, each stored alone on the write connection, its bytes synced before its row commits.</summary>
public sealed partial class SqliteReportStore
{
    /// <summary>The key is claimed (<see cref="ReplyKeyClaim"/>), then the bytes written to the volume and
    /// synced, then the row committed with the key.</summary>
    public Task<string> AddReplyAsync(NewReply reply, Stream ciphertext, CancellationToken cancellationToken = default) =>
        _writer.RunAsync(async connection =>
        {
            (string, object) key = ("$k", reply.IdempotencyKeyHash), id = ("$id", reply.Id), day = ("$d", Day(reply.Day));
            using var transaction = connection.BeginTransaction();
            var earlier = await ReplyKeyClaim.EarlierReplyAsync(reply,
                claim: () => Task.FromResult((string)Scalar(connection, """
                    INSERT INTO idempotency (key_hash, report_id, day) VALUES ($k, $id, $d)
                    ON CONFLICT (key_hash) DO UPDATE SET key_hash = excluded.key_hash RETURNING report_id
                    """, key, id, day)!),
                isReplyOfMailbox: holder => Task.FromResult(
                    Scalar(connection, "SELECT 1 FROM replies WHERE id = $id AND mailbox = $m", ("$id", holder), ("$m", reply.Mailbox)) is not null),
                take: () => Task.FromResult(
                    Execute(connection, "UPDATE idempotency SET report_id = $id, day = $d WHERE key_hash = $k", key, id, day)));
            if (earlier is not null)
                return earlier;
            var place = _volume.Allocate(reply.Id, reply.Size);
            try
            {
                await _volume.WriteAsync(place, ciphertext, reply.Size, cancellationToken);
                KeepReserve();
                await _volume.SyncAsync();
                Execute(connection, "INSERT INTO replies (id, mailbox, day, size, expires, place) VALUES ($id, $m, $d, $s, $e, $p)",
                    id, ("$m", reply.Mailbox), day, ("$s", reply.Size), ("$e", Day(reply.Expires)), ("$p", place));
                transaction.Commit();
            }
            catch
            {
                _volume.Erase(reply.Id, place, reply.Size);
                throw;
            }
            return reply.Id;
        }, cancellationToken);

    public async Task<IReadOnlyList<StoredItem>> ListRepliesAsync(string mailbox, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return ReadItems(connection, "SELECT id, day, size, 0 FROM replies WHERE mailbox = $m ORDER BY day, id", ("$m", mailbox));
    }

    public async Task<StoredBlob?> OpenReplyAsync(string mailbox, string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return OpenItem(connection, id, "SELECT place, size FROM replies WHERE id = $id AND mailbox = $m", ("$id", id), ("$m", mailbox));
    }

    public Task<bool> DeleteReplyAsync(string mailbox, string id, CancellationToken cancellationToken = default) =>
        _writer.RunAsync(connection => DeleteItem(connection, id, "DELETE FROM replies WHERE id = $id AND mailbox = $m RETURNING place, size", ("$id", id), ("$m", mailbox)), cancellationToken);
}
