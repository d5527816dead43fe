using Microsoft.Extensions.Options;
using Reporting.Format.Keys;
using Reporting.Server.Storage.Postgres;
using Reporting.Server.Storage.Sqlite;

namespace Reporting.Server.Tests.Http;

public sealed class StartupTests : IDisposable
{
    readonly TestWorld _world = new();

    public void Dispose() => _world.Dispose();

    async Task<string> StartupFailureAsync(Action<Dictionary<string, string?>> adjust)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => RunningServer.StartAsync(_world, adjust));
        return string.Join("\n", failure.Failures);
    }

    [Fact]
    public async Task Start_WithoutRoster_SaysHowToMakeOne()
    {
        var message = await StartupFailureAsync(s => s["Reporting:RosterFile"] = _world.Folder["missing.json"]);

        Assert.Contains("Reporting:RosterFile", message);
        Assert.Contains("review org sign", message);
    }

    [Fact]
    public async Task Start_WithRosterOfAnotherOrganisation_SaysSo()
    {
        using var other = SigningKey.Generate(SigningKeyKind.Organisation);

        var message = await StartupFailureAsync(s => s["Reporting:OrgKey"] = other.PublicKey.ToString());

        Assert.Contains("not signed by the organisation key in Reporting:OrgKey", message);
    }

    [Fact]
    public async Task Start_WithMistypedOrgKey_SaysSo()
    {
        var key = _world.Organisation.PublicKey.ToString();
        var typo = key[..^3] + (key[^3] == 'q' ? 'p' : 'q') + key[^2..];

        var message = await StartupFailureAsync(s => s["Reporting:OrgKey"] = typo);

        Assert.Contains("Reporting:OrgKey is not an organisation public key", message);
    }

    [Fact]
    public async Task Start_WithUnwritableDataDir_SaysSo()
    {
        File.WriteAllText(_world.Folder["a-file"], "");

        var message = await StartupFailureAsync(s => s["Reporting:DataDir"] = Path.Combine(_world.Folder["a-file"], "data"));

        Assert.Contains("is not writable", message);
    }

    [Fact]
    public async Task Start_WithOutOfRangeNumbers_SaysWhichAndWhat()
    {
        var message = await StartupFailureAsync(s =>
        {
            s["Reporting:PowDifficulty"] = "40";
            s["Reporting:RetentionDays"] = "0";
        });

        Assert.Contains($"Reporting:PowDifficulty must be between 0 and {Format.Protocol.ProofOfWork.MaxDifficulty}", message);
        Assert.Contains("Reporting:RetentionDays must be between 1 and 3650", message);
    }

    [Fact]
    public void ServerProcess_WithBadConfiguration_PrintsOperatorErrors_AndExits1()
    {
        var (exitCode, _, stderr) = ServerProcess.RunToExit(["--Reporting:DataDir", _world.DataDir, "--Reporting:RosterFile", _world.Folder["nope.json"], "--urls", "http://127.0.0.1:0"]);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("reporting-server: error: ", stderr);
        Assert.Contains("Reporting:OrgKey is not set", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ServerProcess_OnADatabaseOfANewerServer_SaysWhatToDo_AndExits1(string store)
    {
        await using var database = store == "postgres" ? await PostgresDatabase.CreateAsync() : null;
        var settings = _world.Settings();
        if (database is null)
        {
            Directory.CreateDirectory(_world.DataDir);
            using (var sqlite = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_world.DataDir, DataFolder.DatabaseFile)}"))
            {
                sqlite.Open();
                using var newer = sqlite.CreateCommand();
                newer.CommandText = $"PRAGMA user_version = {SqliteSchema.Version + 1}";
                newer.ExecuteNonQuery();
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
        else
        {
            await database.ExecuteAsAdminAsync($"""
                CREATE TABLE {database.Schema}.schema_migrations (version integer PRIMARY KEY);
                INSERT INTO {database.Schema}.schema_migrations VALUES ({PostgresSchema.Latest + 1});
                """);
            foreach (var (key, value) in StoreSettings.Postgres(database))
                settings[key] = value;
        }

        var (exitCode, _, stderr) = ServerProcess.RunToExit(["--urls", "http://127.0.0.1:0"], settings);

        Assert.Equal(1, exitCode);
        Assert.StartsWith($"reporting-server: error: the database was written by a newer server (schema {(database is null ? SqliteSchema.Version : PostgresSchema.Latest) + 1};", stderr);
        Assert.Contains("reporting-server: hint: run that server version or a newer one, or restore a backup", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public async Task Start_OnPostgresWithoutAConnectionString_SaysWhatToSet()
    {
        var message = await StartupFailureAsync(s => s["Reporting:Storage"] = "postgres");

        Assert.Contains("ConnectionStrings:Postgres is not set", message);
    }

    [Fact]
    public void ServerProcess_WhenPostgresCannotBeReached_SaysWhere_WithoutThePassword_AndExits1()
    {
        var settings = _world.Settings();
        settings["Reporting:Storage"] = "postgres";
        // Nothing listens on port 1.
        settings["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Port=1;Database=reports;Username=reporting;Password=hunter2-secret;Timeout=5";

        var (exitCode, _, stderr) = ServerProcess.RunToExit(["--urls", "http://127.0.0.1:0"], settings);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("reporting-server: error: cannot use the PostgreSQL database 'reports' at 127.0.0.1:1", stderr);
        Assert.DoesNotContain("hunter2", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public async Task RunningServer_WatchesNoFolder_SoWritingEnvelopesWakesNothing()
    {
        if (!OperatingSystem.IsLinux())
            return;
        // The data folder inside the content root, as with the default Reporting:DataDir=data.
        await using var server = await ServerProcess.StartAsync(_world.Settings());
        using var client = new ServerClient(server.Address, _world);
        await client.SubmitOkAsync(client.SealForRoster("watched?"u8.ToArray()));

        var watches = Directory.EnumerateFiles($"/proc/{server.Id}/fdinfo")
            .Sum(info => { try { return File.ReadLines(info).Count(line => line.StartsWith("inotify wd:", StringComparison.Ordinal)); } catch (IOException) { return 0; } });

        Assert.Equal(0, watches);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Sigterm_StopsTheServerCleanly_WithExitCodeZero(string store)
    {
        // A service manager stops the server with SIGTERM: every store and background job shuts down without a
        // crash (a store disposed twice once aborted the process with 134 here).
        await using var database = store == "postgres" ? await PostgresDatabase.CreateAsync() : null;
        await using var server = await ServerProcess.StartAsync(_world.Settings(database is null ? null : StoreSettings.Postgres(database)));
        using var client = new ServerClient(server.Address, _world);
        await client.SubmitOkAsync(client.SealForRoster("stopping"u8.ToArray()));

        var exit = await server.StopAsync(TimeSpan.FromSeconds(30));

        Assert.True(exit == 0, $"exit code {exit}:\n{server.Output}");
    }
}
