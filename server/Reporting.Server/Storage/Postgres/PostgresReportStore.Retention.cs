using Npgsql;
using static Reporting.Server.Storage.Postgres.PostgresSql;

namespace Reporting.Server.Storage.Postgres;

/// <summary>Retention: rows, chunks and one-time values deleted in one batch, then vacuumed.</summary>
public sealed partial class PostgresReportStore
{
    public async Task<int> DeleteExpiredAsync(RetentionCutoffs cutoffs, CancellationToken cancellationToken = default)
    {
        var due = cutoffs.ItemsExpiringBy;
        await using var connection = await _data.OpenConnectionAsync(cancellationToken);
        int deleted;
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(Statement("""
                DELETE FROM chunks WHERE owner IN (SELECT id FROM reports WHERE expires <= $1 UNION ALL SELECT id FROM replies WHERE expires <= $1)
                """, due));
            batch.BatchCommands.Add(Statement("""
                DELETE FROM idempotency WHERE report_id IN (SELECT id FROM reports WHERE expires <= $1 UNION ALL SELECT id FROM replies WHERE expires <= $1)
                """, due));
            batch.BatchCommands.Add(Statement("DELETE FROM reports WHERE expires <= $1", due));
            batch.BatchCommands.Add(Statement("DELETE FROM replies WHERE expires <= $1", due));
            batch.BatchCommands.Add(Statement("DELETE FROM spent_tokens WHERE expires < $1", cutoffs.TokensExpiringBefore));
            batch.BatchCommands.Add(Statement("DELETE FROM nonces WHERE day < $1", cutoffs.NoncesUsedBefore));
            batch.BatchCommands.Add(Statement("DELETE FROM idempotency WHERE day < $1", cutoffs.IdempotencyKeysBefore));
            await batch.ExecuteNonQueryAsync(cancellationToken);
            deleted = batch.BatchCommands[2].RecordsAffected + batch.BatchCommands[3].RecordsAffected;
            await transaction.CommitAsync(cancellationToken);
        }
        if (deleted > 0)
        {
            // Frees the dead rows' space for reuse soon rather than at autovacuum's leisure (PostgreSQL
            // does not zero it: see the threat model).
            await using var vacuum = new NpgsqlCommand("VACUUM chunks, reports, replies, idempotency", connection);
            await vacuum.ExecuteNonQueryAsync(cancellationToken);
        }
        return deleted;
    }
}
