using Microsoft.Data.Sqlite;
using static Reporting.Server.Storage.Sqlite.SqliteSql;

namespace Reporting.Server.Storage.Sqlite;

/// <summary>Reports: stored through the group commit, read from their files, deleted with their files.</summary>
public sealed partial class SqliteReportStore
{
    /// <summary>Crash-safe with one fsync on the way, as the bare baseline pays: the ciphertext is written
    /// at a place drawn in the volume by the caller's thread; then, at the same time, that thread syncs the
    /// volume (one fdatasync serves every upload waiting) and the <see cref="GroupCommit"/> stores the row,
    /// marked pending with the bytes' SHA-256. The answer waits for both. A later commit clears the marks of
    /// items known durable; at start-up a pending row whose place does not hold those exact bytes (the
    /// machine died before they reached the disk, and the submission was never acknowledged) is removed, so
    /// nothing half-written is ever listed after a crash, and bytes outside every row are erased.</summary>
    public async Task<AddResult> AddReportAsync(NewReport report, Stream ciphertext, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var place = _volume.Allocate(report.Id, report.Size);
        byte[] sha256;
        try
        {
            sha256 = await _volume.WriteAsync(place, ciphertext, report.Size, cancellationToken);
            KeepReserve();
        }
        catch
        {
            _volume.Erase(report.Id, place, report.Size);
            throw;
        }
        Task<AddResult> committed;
        try
        {
            committed = _groupCommit.CommitAsync(report, place, sha256);
        }
        catch (InvalidOperationException)
        {
            _volume.Erase(report.Id, place, report.Size); // the store is shutting down
            throw;
        }
        AddResult result;
        try
        {
            // The row is with the group commit; while it commits, this thread syncs the volume.
            await _volume.SyncAsync();
            result = await committed;
        }
        catch
        {
            await committed.ContinueWith(_ => { }, TaskScheduler.Default); // settled, whatever it did
            if (committed.IsCompletedSuccessfully && committed.Result.Outcome == AddOutcome.Stored)
                await DeleteReportAsync(report.Id, CancellationToken.None); // listed, but its bytes could not be made durable
            else
                _volume.Erase(report.Id, place, report.Size);
            throw;
        }
        if (result.Outcome != AddOutcome.Stored)
        {
            _volume.Erase(report.Id, place, report.Size);
            return result;
        }
        _groupCommit.MarkDurable(report.Id);
        return result;
    }

    /// <summary>Free space every stored item must leave.</summary>
    readonly long _keepFree;

    /// <summary>Refuses an item just written when it left less free space than the store keeps (the caller
    /// erases it).</summary>
    void KeepReserve()
    {
        if (DataFolder.FreeBytes(_folder) < _keepFree)
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
        return OpenItem(connection, id, "SELECT place, size FROM reports WHERE id = $id", ("$id", id));
    }

    /// <summary>The item's bytes, if its row (<paramref name="placeSql"/>: place, size) is there and it was not
    /// deleted between the look-up and the open.</summary>
    StoredBlob? OpenItem(SqliteConnection connection, string id, string placeSql, params (string, object)[] parameters)
    {
        using var command = Command(connection, placeSql, parameters);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
            return null;
        var size = reader.GetInt64(1);
        return _volume.Open(id, reader.GetInt64(0), size) is { } content ? new StoredBlob(size, content) : null;
    }

    public Task<bool> DeleteReportAsync(string id, CancellationToken cancellationToken = default) =>
        _writer.RunAsync(connection => DeleteItem(connection, id, "DELETE FROM reports WHERE id = $id RETURNING place, size", ("$id", id)), cancellationToken);

    /// <summary>Deletes a report's or reply's row (by <paramref name="rowSql"/>, returning its place and size)
    /// and any idempotency key pointing at it, then erases its bytes, then purges the freed pages.</summary>
    bool DeleteItem(SqliteConnection connection, string id, string rowSql, params (string, object)[] parameters)
    {
        (long Place, long Size)? deleted = null;
        using (var transaction = connection.BeginTransaction())
        {
            using (var command = Command(connection, rowSql, parameters))
            using (var reader = command.ExecuteReader())
                if (reader.Read())
                    deleted = (reader.GetInt64(0), reader.GetInt64(1));
            if (deleted is not null)
                Execute(connection, "DELETE FROM idempotency WHERE report_id = $id; DELETE FROM pending WHERE id = $id;", ("$id", id));
            transaction.Commit();
        }
        if (deleted is not { } item)
            return false;
        _volume.Erase(id, item.Place, item.Size);
        Purge(connection);
        return true;
    }
}
