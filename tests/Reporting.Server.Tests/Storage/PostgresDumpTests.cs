using System.Diagnostics;
using Npgsql;
using Reporting.Server.Tests.Http;

namespace Reporting.Server.Tests.Storage;

/// <summary>The README's PostgreSQL backup: pg_dump of a server's database, pg_restore into a second
/// database, and a server on that one lists every report, byte for byte (and makes a new key ring).</summary>
public sealed class PostgresDumpTests : IDisposable
{
    /// <summary>The PostgreSQL 15 tools tests/postgres.sh runs the cluster with.</summary>
    const string Bin = "/usr/lib/postgresql/15/bin";

    readonly TestWorld _world = new();

    public void Dispose() => _world.Dispose();

    static void Run(string tool, NpgsqlConnectionStringBuilder target, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(Bin, tool)) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "--host", target.Host!, "--port", target.Port.ToString(), "--username", target.Username! }.Concat(arguments))
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} failed: {errors}{output.Result}");
    }

    [Fact]
    public async Task PgDumpThenPgRestore_IntoASecondDatabase_BringsEveryReportBack_ByteForByte()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        var sent = new Dictionary<string, byte[]>();
        await using (var server = await RunningServer.StartAsync(_world, settings =>
        {
            foreach (var (key, value) in StoreSettings.Postgres(database))
                settings[key] = value;
        }))
            // Small and large: the store splits ciphertext into chunks.
            foreach (var size in new[] { 100, 300_000, 2_500_000 })
            {
                var envelope = server.SealForRoster(new byte[size]);
                sent[await server.SubmitOkAsync(envelope)] = envelope;
            }
        NpgsqlConnection.ClearAllPools();

        var admin = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable(PostgresDatabase.Variable));
        var dump = _world.Folder["reporting.dump"];
        var second = "restored_" + Guid.NewGuid().ToString("N");
        // The README's commands; --schema only because the tests share one database between schemas.
        Run("pg_dump", admin, "--format=custom", "--exclude-table-data=*.data_protection_keys", $"--schema={database.Schema}", $"--file={dump}", admin.Database!);
        await database.ExecuteAsAdminAsync($"CREATE DATABASE {second}");
        try
        {
            Run("pg_restore", admin, "--no-owner", $"--dbname={second}", dump);
            var restored = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = second }.ToString();
            // The key ring stays behind (it would let the dump's holder skip proof of work); the server makes a new one.
            await using (var connection = new NpgsqlConnection(restored))
            {
                await connection.OpenAsync();
                await using var keys = new NpgsqlCommand("SELECT count(*) FROM data_protection_keys", connection);
                Assert.Equal(0L, await keys.ExecuteScalarAsync());
            }

            await using var server = await RunningServer.StartAsync(_world, settings =>
            {
                settings["Reporting:Storage"] = "postgres";
                settings["ConnectionStrings:Postgres"] = restored;
            });
            var listed = await server.ListReportsAsync();
            Assert.Equal(sent.Keys.Order(), listed.Select(r => r.Id).Order());
            foreach (var (id, envelope) in sent)
                Assert.Equal(envelope, await server.DownloadAsync(id));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await database.ExecuteAsAdminAsync($"DROP DATABASE IF EXISTS {second} WITH (FORCE)");
        }
    }
}
