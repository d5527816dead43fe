using static Reporting.Server.Storage.Sqlite.SqliteSql;

namespace Reporting.Server.Storage.Sqlite;

/// <summary>Retention: rows and one-time values deleted in one transaction, then the items' bytes erased and
/// the freed pages purged.</summary>
public sealed partial class SqliteReportStore
{
    public Task<int> DeleteExpiredAsync(RetentionCutoffs cutoffs, CancellationToken cancellationToken = default) =>
        _writer.RunAsync(connection =>
        {
            var day = Day(cutoffs.ItemsExpiringBy);
            var due = new List<(string Id, long Place, long Size)>();
            using (var transaction = connection.BeginTransaction())
            {
                using (var query = Command(connection, "SELECT id, place, size FROM reports WHERE expires <= $d UNION ALL SELECT id, place, size FROM replies WHERE expires <= $d", ("$d", day)))
                using (var reader = query.ExecuteReader())
                    while (reader.Read())
                        due.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
                Execute(connection, """
                    DELETE FROM idempotency WHERE report_id IN (SELECT id FROM reports WHERE expires <= $d);
                    DELETE FROM idempotency WHERE report_id IN (SELECT id FROM replies WHERE expires <= $d);
                    DELETE FROM pending WHERE id IN (SELECT id FROM reports WHERE expires <= $d);
                    DELETE FROM reports WHERE expires <= $d;
                    DELETE FROM replies WHERE expires <= $d;
                    """, ("$d", day));
                Execute(connection, "DELETE FROM spent_tokens WHERE expires < $t", ("$t", Day(cutoffs.TokensExpiringBefore)));
                Execute(connection, "DELETE FROM nonces WHERE day < $n", ("$n", Day(cutoffs.NoncesUsedBefore))); // rows of earlier versions
                Execute(connection, "DELETE FROM idempotency WHERE day < $k", ("$k", Day(cutoffs.IdempotencyKeysBefore)));
                transaction.Commit();
            }
            _nonces.Forget(cutoffs.NoncesUsedBefore);
            foreach (var (id, place, size) in due)
                _volume.Erase(id, place, size);
            Purge(connection);
            return due.Count;
        }, cancellationToken);
}
