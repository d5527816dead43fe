using System.Collections.Concurrent;

namespace Reporting.Server.Tests.Http;

/// <summary>docs/DESIGN.md §5: no acknowledged report lost and none half-listed across <c>kill -9</c> during load,
/// on both stores. The server runs as its own process (the built dll) so it can be killed for real.</summary>
public sealed class CrashTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    readonly TestWorld _world = new();

    public void Dispose() => _world.Dispose();

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task KillDuringLoad_LosesNoAcknowledgedReport_AndListsNoHalfOne(string storage)
    {
        await using var database = storage == "postgres" ? await PostgresDatabase.CreateAsync() : null;
        var settings = database is null ? null : StoreSettings.Postgres(database);
        var port = ServerProcess.FreePort();
        var envelopes = CrashLoad.Envelopes(_world);

        ConcurrentDictionary<string, byte[]> acknowledged;
        await using (var server = await ServerProcess.StartAsync(_world.Settings(settings), port: port))
        using (var client = new ServerClient(server.Address, _world))
            acknowledged = await CrashLoad.LoadUntilKilledAsync(server, client, envelopes, TimeSpan.FromSeconds(2));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        await using var restarted = await ServerProcess.StartAsync(_world.Settings(settings), port: port);
        using var reader = new ServerClient(restarted.Address, _world);
        var listed = await CrashLoad.VerifyAsync(reader, acknowledged, envelopes);
        output.WriteLine($"{storage}: {acknowledged.Count} acknowledged before the kill, {listed} listed after the restart");
    }
}
