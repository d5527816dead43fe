using Microsoft.Data.Sqlite;
using static Reporting.Server.Storage.Sqlite.SqliteSql;

namespace Reporting.Server.Storage.Sqlite;

/// <summary>Reports: stored through the group commit, read from their files, deleted with their files.</summary>
public sealed partial class SqliteReportStore
{
    /// <summary>Crash-safe with one fsync on the way, as the bare baseline pays: the ciphertext is written
    /// to its file by the caller's thread; then, at the same time, that thread fsyncs the file and its
    /// folder (uploads do this in parallel) and the <see cref="GroupCommit"/> stores the row, marked pending
    /// with the file's SHA-256. The answer waits for both. A later commit clears the marks of files known
    /// durable; at start-up a pending row whose file does not hold those exact bytes (the machine died
    /// before the file reached the disk, and the submission was never acknowledged) is removed, so nothing
    /// half-written is ever listed after a crash, and a file without a row is shredded.</summary>
    public async Task<AddResult> AddReportAsync(NewReport report, Stream ciphertext, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var sha256 = await _blobs.WriteAsync(report.Id, ciphertext, report.Size, report.Day, sync: false, cancellationToken);
        KeepReserve(report.Id);
        Task<AddResult> committed;
        try
        {
            committed = _groupCommit.CommitAsync(report, sha256);
        }
        catch (InvalidOperationException)
        {
            _blobs.Shred(report.Id); // the store is shutting down
            throw;
        }
        AddResult result;
        try
        {
            // The row is with the group commit; while it commits, this thread fsyncs the file.
            await _blobs.SyncAsync(report.Id);
            result = await committed;
        }
        catch
        {
            await committed.ContinueWith(_ => { }, TaskScheduler.Default); // settled, whatever it did
            if (committed.IsCompletedSuccessfully && committed.Result.Outcome == AddOutcome.Stored)
                await DeleteReportAsync(report.Id, CancellationToken.None); // listed, but its file could not be made durable
            else
                _blobs.Shred(report.Id);
            throw;
        }
        if (result.Outcome != AddOutcome.Stored)
        {
            _blobs.Shred(report.Id);
            return result;
        }
        _groupCommit.MarkDurable(report.Id);
        return result;
    }

    /// <summary>Free space every stored file must leave.</summary>
    readonly long _keepFree;

    /// <summary>Removes the file just written for <paramref name="id"/> and refuses it when it left less
    /// free space than the store keeps.</summary>
    void KeepReserve(string id)
    {
        if (DataFolder.FreeBytes(_blobs.Folder) >= _keepFree)
            return;
        _blobs.Shred(id);
        throw new StorageFullException("Storing this would leave less free space than the store keeps.");
    }

    public async Task<IReadOnlyList<StoredItem>> ListReportsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return ReadItems(connection, "SELECT id, day, size, roster_version FROM reports ORDER BY day, id");
    }

    public async Task<StoredBlob?> OpenReportAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return Scalar(connection, "SELECT size FROM reports WHERE id = $id", ("$id", id)) is long size ? OpenBlob(id, size) : null;
    }

    StoredBlob? OpenBlob(string id, long size) =>
        _blobs.Open(id) is { } file ? new StoredBlob(size, file) : null; // deleted between the look-up and the open

    public Task<bool> DeleteReportAsync(string id, CancellationToken cancellationToken = default) =>
        _writer.RunAsync(connection => DeleteItem(connection, id, "DELETE FROM reports WHERE id = $id", ("$id", id)), cancellationToken);

    /// <summary>Deletes a report's or reply's row (by <paramref name="rowSql"/>) and any idempotency key
    /// pointing at it, then its file, then purges the freed pages.</summary>
    bool DeleteItem(SqliteConnection connection, string id, string rowSql, params (string, object)[] parameters)
    {
        int deleted;
        using (var transaction = connection.BeginTransaction())
        {
            deleted = Execute(connection, rowSql, parameters);
            if (deleted > 0)
                Execute(connection, "DELETE FROM idempotency WHERE report_id = $id; DELETE FROM pending WHERE id = $id;", ("$id", id));
            transaction.Commit();
        }
        if (deleted == 0)
            return false;
        _blobs.Shred(id);
        _blobs.SyncFolder();
        Purge(connection);
        return true;
    }
}
