using static Reporting.Server.Storage.Sqlite.SqliteSql;

namespace Reporting.Server.Storage.Sqlite;

/// <summary>Replies: few and small, each stored alone on the write connection, file first.</summary>
public sealed partial class SqliteReportStore
{
    public Task<string> AddReplyAsync(NewReply reply, Stream ciphertext, CancellationToken cancellationToken = default) =>
        _writer.RunAsync(async connection =>
        {
            // The idempotency table serves replies too, keyed by mailbox and content (kept 7 days like the rest).
            var key = reply.IdempotencyKeyHash;
            if (Scalar(connection, "SELECT r.id FROM idempotency i JOIN replies r ON r.id = i.report_id WHERE i.key_hash = $k AND r.mailbox = $m",
                    ("$k", key), ("$m", reply.Mailbox)) is string earlier)
                return earlier;
            await _blobs.WriteAsync(reply.Id, ciphertext, reply.Size, reply.Day, sync: true, cancellationToken);
            KeepReserve(reply.Id);
            try
            {
                _blobs.SyncFolder();
                using var transaction = connection.BeginTransaction();
                Execute(connection, "INSERT INTO replies (id, mailbox, day, size, expires) VALUES ($id, $m, $d, $s, $e)",
                    ("$id", reply.Id), ("$m", reply.Mailbox), ("$d", Day(reply.Day)), ("$s", reply.Size), ("$e", Day(reply.Expires)));
                Execute(connection, "INSERT OR REPLACE INTO idempotency (key_hash, report_id, day) VALUES ($k, $id, $d)",
                    ("$k", key), ("$id", reply.Id), ("$d", Day(reply.Day)));
                transaction.Commit();
            }
            catch
            {
                _blobs.Shred(reply.Id);
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
        return Scalar(connection, "SELECT size FROM replies WHERE id = $id AND mailbox = $m", ("$id", id), ("$m", mailbox)) is long size
            ? OpenBlob(id, size)
            : null;
    }

    public Task<bool> DeleteReplyAsync(string mailbox, string id, CancellationToken cancellationToken = default) =>
        _writer.RunAsync(connection => DeleteItem(connection, id, "DELETE FROM replies WHERE id = $id AND mailbox = $m", ("$id", id), ("$m", mailbox)), cancellationToken);
}
