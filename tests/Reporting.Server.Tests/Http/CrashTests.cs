using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Reporting.Format.Protocol;

namespace Reporting.Server.Tests.Http;

/// <summary>DESIGN §5: no acknowledged report lost and none half-listed across <c>kill -9</c> during load,
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
        var envelopes = Envelopes(_world);

        ConcurrentDictionary<string, byte[]> acknowledged;
        await using (var server = await ServerProcess.StartAsync(_world, settings, port))
            acknowledged = await LoadUntilKilledAsync(server, envelopes, TimeSpan.FromSeconds(2));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        await using var restarted = await ServerProcess.StartAsync(_world, settings, port);
        var listed = await VerifyAsync(restarted.Api, acknowledged, envelopes);
        output.WriteLine($"{storage}: {acknowledged.Count} acknowledged before the kill, {listed} listed after the restart");
    }

    /// <summary>Sizes on both sides of the in-memory limit (and of the PostgreSQL chunk), so every
    /// receiving and storing path is under load.</summary>
    internal static byte[][] Envelopes(TestWorld world)
    {
        var recipients = world.Reviewers.Select(r => r.Recipient).ToList();
        return [.. new[] { 1_000, 150_000, 600_000, 2_000_000 }.Select(n => AgeTool.Seal(Encoding.ASCII.GetBytes(new string('c', n)), recipients))];
    }

    /// <summary>Eight clients submit as fast as they can; after <paramref name="before"/> the server is
    /// killed with SIGKILL. Returns what it acknowledged (id → envelope).</summary>
    internal static async Task<ConcurrentDictionary<string, byte[]>> LoadUntilKilledAsync(ServerProcess server, byte[][] envelopes, TimeSpan before)
    {
        var acknowledged = new ConcurrentDictionary<string, byte[]>();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var envelope = envelopes[(worker + i) % envelopes.Length];
                try
                {
                    using var response = await server.Api.SubmitAsync(envelope);
                    if (response.StatusCode == HttpStatusCode.Created)
                        acknowledged[(await response.Content.ReadFromJsonAsync<SubmittedReport>())!.Id] = envelope;
                }
                catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or System.Text.Json.JsonException)
                {
                    // The server died under us: whatever was not acknowledged may or may not be kept.
                }
            }
        })).ToList();

        await Task.Delay(before);
        server.Kill();
        stop.Cancel();
        await Task.WhenAll(load);
        return acknowledged;
    }

    /// <summary>Every acknowledged report is listed and byte-identical; anything else listed (committed as
    /// the answer was lost) is a whole envelope. Returns how many are listed.</summary>
    internal static async Task<int> VerifyAsync(RunningServer reader, ConcurrentDictionary<string, byte[]> acknowledged, byte[][] envelopes)
    {
        var listed = await reader.ListReportsAsync();
        Assert.NotEmpty(acknowledged);
        Assert.All(acknowledged.Keys, id => Assert.Contains(id, listed.Select(r => r.Id)));
        foreach (var report in listed)
        {
            var bytes = await reader.DownloadAsync(report.Id);
            Assert.Equal(report.Size, bytes.Length);
            Assert.Contains(envelopes, e => e.AsSpan().SequenceEqual(bytes));
            if (acknowledged.TryGetValue(report.Id, out var sent))
                Assert.Equal(sent, bytes);
        }
        return listed.Count;
    }
}

/// <summary>Settings that put a server on a PostgreSQL schema of its own.</summary>
public static class StoreSettings
{
    public static Dictionary<string, string?> Postgres(PostgresDatabase database, string? dataDir = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Reporting:Storage"] = "postgres",
            ["ConnectionStrings:Postgres"] = database.ConnectionString,
        };
        if (dataDir is not null)
            settings["Reporting:DataDir"] = dataDir;
        return settings;
    }
}
