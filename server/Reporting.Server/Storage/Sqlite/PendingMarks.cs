using Microsoft.Data.Sqlite;
using static Reporting.Server.Storage.Sqlite.SqliteSql;

namespace Reporting.Server.Storage.Sqlite;

/// <summary>The marks <see cref="GroupCommit"/> leaves on rows whose bytes were not yet known durable,
/// settled at start-up.</summary>
static class PendingMarks
{
    /// <summary>Every row still marked pending stays only if its place in the volume holds exactly the bytes
    /// committed; any other was never acknowledged, and goes (its bytes are erased with everything else no
    /// row lists, <see cref="CiphertextVolume.Settle"/>).</summary>
    public static void Recover(SqliteConnection connection, CiphertextVolume volume)
    {
        var lost = new List<string>();
        using (var query = Command(connection, "SELECT pending.id, pending.size, pending.sha256, reports.place FROM pending JOIN reports ON reports.id = pending.id"))
        using (var reader = query.ExecuteReader())
            while (reader.Read())
                if (!volume.Holds(reader.GetInt64(3), reader.GetInt64(1), reader.GetFieldValue<byte[]>(2)))
                    lost.Add(reader.GetString(0));
        try
        {
            using var transaction = connection.BeginTransaction();
            foreach (var id in lost)
                Execute(connection, "DELETE FROM reports WHERE id = $id; DELETE FROM idempotency WHERE report_id = $id;", ("$id", id));
            Execute(connection, "DELETE FROM pending;");
            transaction.Commit();
        }
        catch (Exception e) when (lost.Count == 0 && StorageFull.Caused(e))
        {
            // A full disk cannot take even the clearing of the marks. Every marked item holds its bytes, so
            // the marks may stay: the next start checks them again. (With a row to remove, start-up stops
            // instead: that row must not be listed.)
        }
    }
}
