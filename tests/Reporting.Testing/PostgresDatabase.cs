using Npgsql;

namespace Reporting.Testing;

/// <summary>A schema of its own on the real PostgreSQL that ./test.sh starts (REPORTING_TEST_POSTGRES):
/// each test gets an empty database through the connection string's search path, dropped on dispose.
/// Without the variable the test fails and says how to run it: a PostgreSQL test never passes by
/// skipping its database. The benchmarks give a database of their own (<see cref="CreateAsync(string)"/>).</summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    public const string Variable = "REPORTING_TEST_POSTGRES";

    readonly string _admin;

    PostgresDatabase(string admin, string schema)
    {
        _admin = admin;
        Schema = schema;
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { SearchPath = schema }.ToString();
    }

    public string Schema { get; }

    /// <summary>For the store under test: its tables land in <see cref="Schema"/>.</summary>
    public string ConnectionString { get; }

    public static async Task<PostgresDatabase> CreateAsync()
    {
        var admin = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(admin))
            throw new InvalidOperationException($"{Variable} is not set: run the tests with ./test.sh, which starts a PostgreSQL 15 for them " +
                "(or start one with `eval \"$(tests/postgres.sh start DIR)\"`).");
        return await CreateAsync(admin);
    }

    /// <summary>A schema of its own on the database that <paramref name="admin"/> (a connection string) reaches.</summary>
    public static async Task<PostgresDatabase> CreateAsync(string admin)
    {
        var schema = "test_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(admin, $"CREATE SCHEMA {schema}");
        return new PostgresDatabase(admin, schema);
    }

    /// <summary>Runs a statement as the cluster's administrator (tablespaces, roles).</summary>
    public Task ExecuteAsAdminAsync(string sql) => ExecuteAsync(_admin, sql);

    static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(_admin, $"DROP SCHEMA IF EXISTS {Schema} CASCADE");
    }
}
