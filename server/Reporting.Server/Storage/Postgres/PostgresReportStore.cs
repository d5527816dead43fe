using Npgsql;

namespace Reporting.Server.Storage.Postgres;

/// <summary>The store for several server instances on one PostgreSQL database: everything, ciphertext
/// included, lives in the database, so any instance serves what another received, and the one-time
/// values (spent and in-flight tokens, nonces, idempotency keys) and the Data Protection key ring are
/// shared. Ciphertext is kept in 1 MiB <see cref="Chunks"/>; a report is listed only once its rows commit,
/// in the same transaction as its token and idempotency key. Cross-instance locks are PostgreSQL advisory
/// locks held by a connection, so they die with the instance that held them. Reports, replies and
/// retention are in the files named for them beside this one.</summary>
public sealed partial class PostgresReportStore : IReportStore, IDisposable
{
    readonly NpgsqlDataSource _data;
    readonly ChunkVacuum _vacuum;

    public PostgresReportStore(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // Submissions run the same few statements: prepared once per connection, then reused.
        if (builder.MaxAutoPrepare == 0)
            builder.MaxAutoPrepare = 32;
        // No application name that could tell a database administrator more than needed.
        builder.ApplicationName ??= "reporting-server";
        _data = NpgsqlDataSource.Create(builder);
        _vacuum = new ChunkVacuum(_data);
    }

    public NpgsqlDataSource DataSource => _data;

    /// <summary>May be called more than once (the host disposes the store under each service it serves).</summary>
    public void Dispose()
    {
        _vacuum.Stop();
        _data.Dispose();
    }

    public Task InitializeAsync(CancellationToken cancellationToken = default) => PostgresSchema.MigrateAsync(_data, cancellationToken);

    public async Task<SubmissionLookup> LookUpSubmissionAsync(byte[] keyHash, string tokenId, CancellationToken cancellationToken = default)
    {
        await using var command = _data.CreateCommand("""
            SELECT (SELECT report_id FROM idempotency WHERE key_hash = $1),
                   EXISTS (SELECT 1 FROM spent_tokens WHERE token_id = $2)
            """);
        PostgresSql.Add(command.Parameters, keyHash, tokenId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new SubmissionLookup(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetBoolean(1));
    }

    public Task SpendTokenAsync(string tokenId, DateOnly expires, CancellationToken cancellationToken = default) =>
        _data.ExecuteAsync("INSERT INTO spent_tokens (token_id, expires) VALUES ($1, $2) ON CONFLICT DO NOTHING", cancellationToken, tokenId, expires);

    public async Task<IAsyncDisposable?> TryClaimTokenAsync(string tokenId, CancellationToken cancellationToken = default) =>
        await AdvisoryLock.TryTakeAsync(_data, "token:" + tokenId, cancellationToken);

    public async Task<IAsyncDisposable> LockAsync(string job, CancellationToken cancellationToken = default) =>
        await AdvisoryLock.TakeAsync(_data, "job:" + job, cancellationToken);

    /// <summary>Shared by every instance, so in the database; committed without waiting for the WAL to reach the
    /// disk, so that signed requests (a flood of mailbox polls included) never queue behind submissions' commits for
    /// a flush. A database crash may forget the last fraction of a second of nonces: a request captured then could be
    /// replayed once within its five minutes, and every signed operation is idempotent (threat-model.md).</summary>
    public async Task<bool> TryUseNonceAsync(string nonce, DateOnly day, CancellationToken cancellationToken = default)
    {
        await using var connection = await _data.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                PostgresSql.Statement("SET LOCAL synchronous_commit = off"),
                PostgresSql.Statement("INSERT INTO nonces (nonce, day) VALUES ($1, $2) ON CONFLICT DO NOTHING", nonce, day),
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return batch.BatchCommands[1].RecordsAffected == 1;
    }

    public Task RememberRosterAsync(int version, byte[] fileBytes, DateOnly day, CancellationToken cancellationToken = default) =>
        _data.ExecuteAsync("INSERT INTO rosters (version, file, first_served) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", cancellationToken, version, fileBytes, day);

    public async Task<IReadOnlyList<StoredRoster>> ListRostersAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _data.CreateCommand("SELECT version, file, first_served FROM rosters ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rosters = new List<StoredRoster>();
        while (await reader.ReadAsync(cancellationToken))
            rosters.Add(new StoredRoster(reader.GetInt32(0), reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<DateOnly>(2)));
        return rosters;
    }
}
