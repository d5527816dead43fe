using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using static Reporting.Server.Storage.Sqlite.SqliteSql;

namespace Reporting.Server.Storage.Sqlite;

/// <summary>Stores the rows of submissions whose bytes are written: one dedicated thread commits every
/// submission waiting at that moment in one transaction (one fsync), each inside its own savepoint so
/// that a duplicate does not touch the others; its own thread so that SQLite's blocking writes never hold
/// a thread-pool thread. Each row is marked pending with its bytes' SHA-256 until a later commit clears
/// the marks of items known durable (<see cref="PendingMarks"/> checks what is left at start-up).</summary>
sealed class GroupCommit : IDisposable
{
    /// <summary>A batch is bounded so that one commit's latency stays bounded too.</summary>
    const int MaxBatch = 64;

    readonly SqliteWriter _writer;
    readonly BlockingCollection<PendingAdd> _pendingAdds = new();
    readonly Thread _committer;

    public GroupCommit(SqliteWriter writer)
    {
        _writer = writer;
        _committer = new Thread(CommitLoop) { IsBackground = true, Name = "Reporting submissions" };
        _committer.Start();
    }

    sealed record PendingAdd(NewReport Report, long Place, byte[] Sha256)
    {
        public TaskCompletionSource<AddResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Queues the row of a report whose <paramref name="place"/> in the volume holds the bytes hashed
    /// to <paramref name="sha256"/>; the task ends when the row's batch has committed, or failed to. Throws
    /// <see cref="InvalidOperationException"/> once the store is shutting down.</summary>
    public Task<AddResult> CommitAsync(NewReport report, long place, byte[] sha256)
    {
        var pending = new PendingAdd(report, place, sha256);
        _pendingAdds.Add(pending, CancellationToken.None);
        return pending.Result.Task;
    }

    /// <summary>Stored reports whose bytes are durable, whose pending marks the next commit clears.</summary>
    readonly ConcurrentQueue<string> _durable = new();

    public void MarkDurable(string id) => _durable.Enqueue(id);

    void CommitLoop()
    {
        var batch = new List<PendingAdd>(MaxBatch);
        foreach (var first in _pendingAdds.GetConsumingEnumerable())
        {
            batch.Clear();
            batch.Add(first);
            while (batch.Count < MaxBatch && _pendingAdds.TryTake(out var next))
                batch.Add(next);
            _writer.Run(() => CommitPendingAdds(batch));
        }
    }

    /// <summary>The write connection's statements, prepared at the first commit.</summary>
    PreparedStatements? _statements;

    void CommitPendingAdds(List<PendingAdd> batch)
    {
        var outcomes = new AddResult[batch.Count];
        var cleared = new List<string>();
        try
        {
            var connection = _writer.Connection;
            var statements = _statements ??= new PreparedStatements(connection);
            using var transaction = connection.BeginTransaction();
            for (var n = 0; n < 4 * MaxBatch && _durable.TryDequeue(out var durableId); n++)
            {
                cleared.Add(durableId);
                statements.Execute(transaction, "DELETE FROM pending WHERE id = $id", ("$id", durableId));
            }
            for (var i = 0; i < batch.Count; i++)
            {
                statements.Execute(transaction, "SAVEPOINT submission;");
                outcomes[i] = AddOne(statements, transaction, batch[i]);
                statements.Execute(transaction, outcomes[i].Outcome == AddOutcome.Stored ? "RELEASE submission;" : "ROLLBACK TO submission; RELEASE submission;");
            }
            transaction.Commit();
        }
        catch (Exception e)
        {
            // The commit itself failed (disk full, I/O error): nothing of this batch is acknowledged, and
            // the marks it was to clear are cleared by a later commit. The thread goes on with the next batch.
            foreach (var id in cleared)
                _durable.Enqueue(id);
            foreach (var pending in batch)
                pending.Result.TrySetException(e);
            return;
        }
        for (var i = 0; i < batch.Count; i++)
            batch[i].Result.TrySetResult(outcomes[i]);
    }

    static AddResult AddOne(PreparedStatements statements, SqliteTransaction transaction, PendingAdd pending)
    {
        var report = pending.Report;
        if (statements.Scalar(transaction, "SELECT report_id FROM idempotency WHERE key_hash = $k", ("$k", report.IdempotencyKeyHash)) is string id)
            return new AddResult(AddOutcome.Duplicate, id);
        if (statements.Execute(transaction, "INSERT OR IGNORE INTO spent_tokens (token_id, expires) VALUES ($t, $e)",
                ("$t", report.TokenId), ("$e", Day(report.TokenExpires))) == 0)
            return new AddResult(AddOutcome.TokenSpent, "");
        statements.Execute(transaction, "INSERT INTO reports (id, day, size, roster_version, expires, place) VALUES ($id, $d, $s, $v, $e, $p)",
            ("$id", report.Id), ("$d", Day(report.Day)), ("$s", report.Size), ("$v", report.RosterVersion), ("$e", Day(report.Expires)), ("$p", pending.Place));
        statements.Execute(transaction, "INSERT INTO idempotency (key_hash, report_id, day) VALUES ($k, $id, $d)",
            ("$k", report.IdempotencyKeyHash), ("$id", report.Id), ("$d", Day(report.Day)));
        statements.Execute(transaction, "INSERT INTO pending (id, size, sha256) VALUES ($id, $s, $h)",
            ("$id", report.Id), ("$s", report.Size), ("$h", pending.Sha256));
        return new AddResult(AddOutcome.Stored, report.Id);
    }

    /// <summary>Commits what was queued, then stops the thread. May be called more than once.</summary>
    public void Dispose()
    {
        _pendingAdds.CompleteAdding();
        _committer.Join();
        _statements?.Dispose();
        _statements = null;
    }
}
