using Npgsql;

namespace Reporting.Server.Storage.Postgres;

/// <summary>Versioned schema migrations for the PostgreSQL store, applied at start-up in one transaction
/// under an advisory lock: instances that start at once take turns, and the later ones find the work
/// done. A migration is never edited once released; a change is a new entry at the end.</summary>
public static class PostgresSchema
{
    static readonly string[] Migrations =
    [
        // 1: the first layout.
        """
        CREATE TABLE reports (
            id text PRIMARY KEY, day date NOT NULL, size bigint NOT NULL,
            roster_version integer NOT NULL, expires date NOT NULL);
        CREATE TABLE replies (
            id text PRIMARY KEY, mailbox text NOT NULL, day date NOT NULL, size bigint NOT NULL, expires date NOT NULL);
        CREATE INDEX replies_by_mailbox ON replies (mailbox);
        CREATE TABLE chunks (owner text NOT NULL, seq integer NOT NULL, data bytea NOT NULL, PRIMARY KEY (owner, seq));
        -- Out of line and uncompressed: ciphertext does not compress, so trying only costs CPU.
        ALTER TABLE chunks ALTER COLUMN data SET STORAGE EXTERNAL;
        CREATE TABLE idempotency (key_hash bytea PRIMARY KEY, report_id text NOT NULL, day date NOT NULL);
        CREATE INDEX idempotency_by_item ON idempotency (report_id);
        CREATE TABLE spent_tokens (token_id text PRIMARY KEY, expires date NOT NULL);
        CREATE TABLE nonces (nonce text PRIMARY KEY, day date NOT NULL);
        CREATE TABLE rosters (version integer PRIMARY KEY, file bytea NOT NULL, first_served date NOT NULL);
        CREATE TABLE data_protection_keys (name text PRIMARY KEY, xml text NOT NULL);
        """,
    ];

    /// <summary>The version this build writes.</summary>
    public static int Latest => Migrations.Length;

    public static async Task MigrateAsync(NpgsqlDataSource data, CancellationToken cancellationToken = default)
    {
        await using var connection = await data.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({AdvisoryLock.KeyOf("schema")})", cancellationToken);
        await Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY)", cancellationToken);
        await using var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", connection, transaction);
        var current = (int)(await read.ExecuteScalarAsync(cancellationToken))!;
        NewerSchemaException.ThrowIfNewer(current, Latest);
        for (var version = current + 1; version <= Latest; version++)
        {
            await Execute(connection, transaction, Migrations[version - 1], cancellationToken);
            await Execute(connection, transaction, $"INSERT INTO schema_migrations (version) VALUES ({version})", cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
