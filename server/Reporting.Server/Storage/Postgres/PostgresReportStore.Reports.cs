using System.Buffers;
using Npgsql;
using static Reporting.Server.Storage.Postgres.PostgresSql;

namespace Reporting.Server.Storage.Postgres;

/// <summary>Reports: stored with their token and idempotency key in one transaction, read chunk by chunk,
/// deleted with their chunks.</summary>
public sealed partial class PostgresReportStore
{
    /// <summary>One statement spends the token, takes the idempotency key and stores the row with the first
    /// chunk, each step only if the one before it took: an envelope of one chunk (nearly all) is stored in
    /// one round trip, as its own transaction. A larger one runs in a transaction that goes on with the
    /// rest of its chunks. A retry whose first attempt is committing waits for it on the key, then finds
    /// the key taken and gets the first answer whatever its token.</summary>
    public async Task<AddResult> AddReportAsync(NewReport report, Stream ciphertext, CancellationToken cancellationToken = default)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Chunks.Size);
        try
        {
            var first = await Chunks.ReadAsync(ciphertext, buffer, before: 0, report.Size, cancellationToken);
            var whole = first < Chunks.Size;
            await using var connection = await _data.OpenConnectionAsync(cancellationToken);
            await using var transaction = whole ? null : await connection.BeginTransactionAsync(cancellationToken);
            await using (var add = new NpgsqlCommand("""
                WITH t AS (INSERT INTO spent_tokens (token_id, expires) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1),
                     k AS (INSERT INTO idempotency (key_hash, report_id, day) SELECT $3, $4, $5 WHERE EXISTS (SELECT 1 FROM t)
                           ON CONFLICT DO NOTHING RETURNING 1),
                     r AS (INSERT INTO reports (id, day, size, roster_version, expires) SELECT $4, $5, $6, $7, $8 WHERE EXISTS (SELECT 1 FROM k)),
                     c AS (INSERT INTO chunks (owner, seq, data) SELECT $4, 0, $9 WHERE EXISTS (SELECT 1 FROM k) AND length($9) > 0)
                SELECT EXISTS (SELECT 1 FROM t), EXISTS (SELECT 1 FROM k)
                """, connection, transaction))
            {
                Add(add.Parameters, report.TokenId, report.TokenExpires, report.IdempotencyKeyHash, report.Id, report.Day,
                    report.Size, report.RosterVersion, report.Expires);
                add.Parameters.Add(Chunks.Bytes(buffer, first));
                await using var reader = await add.ExecuteReaderAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                if (!reader.GetBoolean(0) || !reader.GetBoolean(1))
                {
                    await reader.DisposeAsync();
                    if (transaction is not null)
                        await transaction.RollbackAsync(cancellationToken);
                    return (await LookUpSubmissionAsync(report.IdempotencyKeyHash, "", cancellationToken)).EarlierId is { } earlier
                        ? new AddResult(AddOutcome.Duplicate, earlier)
                        : new AddResult(AddOutcome.TokenSpent, "");
                }
            }
            if (transaction is not null)
            {
                await Chunks.WriteAsync(connection, transaction, report.Id, firstSeq: 1, first, report.Size, ciphertext, buffer, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            return new AddResult(AddOutcome.Stored, report.Id);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public Task<IReadOnlyList<StoredItem>> ListReportsAsync(CancellationToken cancellationToken = default) =>
        _data.ReadItemsAsync("SELECT id, day, size, roster_version FROM reports ORDER BY day, id", cancellationToken);

    public async Task<StoredBlob?> OpenReportAsync(string id, CancellationToken cancellationToken = default) =>
        await _data.ScalarAsync("SELECT size FROM reports WHERE id = $1", cancellationToken, id) is long size
            ? new StoredBlob(size, new ChunkReader(_data, id, size))
            : null;

    public Task<bool> DeleteReportAsync(string id, CancellationToken cancellationToken = default) =>
        DeleteItemAsync("DELETE FROM reports WHERE id = $1", id, null, cancellationToken);

    /// <summary>Deletes an item's row, chunks and idempotency key in one transaction.</summary>
    async Task<bool> DeleteItemAsync(string rowSql, string id, string? mailbox, CancellationToken cancellationToken)
    {
        await using var connection = await _data.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(mailbox is null ? Statement(rowSql, id) : Statement(rowSql, id, mailbox));
        batch.BatchCommands.Add(Statement("DELETE FROM chunks WHERE owner = $1", id));
        batch.BatchCommands.Add(Statement("DELETE FROM idempotency WHERE report_id = $1", id));
        await batch.ExecuteNonQueryAsync(cancellationToken);
        if (batch.BatchCommands[0].RecordsAffected == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }
        await transaction.CommitAsync(cancellationToken);
        _vacuum.Schedule();
        return true;
    }
}
