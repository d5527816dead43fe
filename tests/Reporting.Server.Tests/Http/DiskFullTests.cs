using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Reporting.Format.Protocol;
using Reporting.Server.Storage.Sqlite;

namespace Reporting.Server.Tests.Http;

/// <summary>Issue 9, disk full: the server on a small file system of its own (a 16 MiB tmpfs) is filled by
/// concurrent submissions. Every answer is a 201 or a clear 503 with Retry-After, never a 500; health
/// checks and reviewers keep being answered; every acknowledged envelope stays listed and byte-identical,
/// also after SIGKILL and a restart on the full disk; refused uploads leave no file behind; submissions
/// succeed again, without a restart, once space returns; and the plaintext's canary is in no file and
/// no log line.</summary>
public sealed class DiskFullTests : IDisposable
{
    const long DiskBytes = 16 << 20;
    const string Canary = "CANARY-diskfull-7f3a9c plaintext";

    readonly Xunit.Abstractions.ITestOutputHelper _output;
    readonly TestWorld _world = new();
    readonly SmallFileSystem _disk;

    public DiskFullTests(Xunit.Abstractions.ITestOutputHelper output)
    {
        _output = output;
        _disk = SmallFileSystem.Mount(_world.Folder["small"], DiskBytes);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _disk.Dispose();
        _world.Dispose();
    }

    string DataDir => _disk["data"];

    Dictionary<string, string?> Settings(long minFreeBytes) => new()
    {
        ["Reporting:DataDir"] = DataDir,
        ["Reporting:MinFreeBytes"] = minFreeBytes.ToString(),
    };

    /// <summary>Real age envelopes whose plaintext holds the canary, on both sides of the in-memory limit.</summary>
    byte[][] Envelopes() => CrashLoad.Envelopes(_world, Canary);

    [Fact]
    public async Task FilledBySubmissions_RefusesClearly_KeepsWhatItAcknowledged_AndRecoversWhenSpaceReturns()
    {
        var envelopes = Envelopes();
        var port = ServerProcess.FreePort();
        // No operator reserve: only the store's own (DataFolder.MetadataReserveBytes), which uploads
        // arriving together must leave between them (UploadSpace), so reviewers' signed requests still work.
        var settings = Settings(minFreeBytes: 0);
        var server = await ServerProcess.StartAsync(_world.Settings(settings), port: port);
        var client = new ServerClient(server.Address, _world);
        // Most of the volume is taken by another program's file, so the submissions fill the rest quickly.
        var filler = _disk.Fill("filler", DiskBytes - (6 << 20));
        var earlierOutput = "";
        try
        {
            var clock = Stopwatch.StartNew();
            var fill = await SubmitUntilFullAsync(client, envelopes);
            _output.WriteLine($"filled: {fill} in {clock.Elapsed.TotalSeconds:F1} s, {_disk.FreeBytes} bytes free");
            AssertOnlyCreatedOrClearRefusals(fill, listingsMustWork: true);
            Assert.True(fill.Count(201) > 0, fill.ToString());
            var listed = await CrashLoad.VerifyAsync(client, fill.Acknowledged, envelopes);
            await AssertNothingLeftBehindAsync(client);

            // A reviewer can still delete on the volume that submissions filled, and so free space.
            Assert.True(fill.Acknowledged.Count >= 2, fill.ToString());
            var deletedId = fill.Acknowledged.Keys.First();
            using (var deleted = await client.SendSignedAsync(client.ReviewerKey, HttpMethod.Delete, Routes.Report(deletedId), at: DateTimeOffset.UtcNow))
                Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            fill.Acknowledged.TryRemove(deletedId, out _);
            listed = await CrashLoad.VerifyAsync(client, fill.Acknowledged, envelopes);
            await AssertNothingLeftBehindAsync(client);

            // Another program takes the last byte: uploads are refused before their bodies, and every other
            // write (a signed request's nonce) meets ENOSPC itself.
            var rest = _disk.Fill("rest", _disk.FreeBytes);
            Assert.True(_disk.FreeBytes < 4096, $"{_disk.FreeBytes} bytes still free");
            var full = await SubmitUntilFullAsync(client, envelopes);
            _output.WriteLine($"no byte free: {full}");
            AssertOnlyCreatedOrClearRefusals(full, listingsMustWork: false);
            Assert.Equal(0, full.Count(201));

            // SIGKILL, and a restart with no byte free: recovery must open the store without space.
            server.Kill();
            await server.DisposeAsync();
            earlierOutput = server.Output;
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            client.Dispose();
            server = await ServerProcess.StartAsync(_world.Settings(settings), port: port);
            client = new ServerClient(server.Address, _world);
            using (var health = await client.Client.GetAsync(Routes.Health))
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            using (var refused = await client.SubmitAsync(envelopes[0]))
                Assert.Null(await RefusalProblem(refused));

            // The other program's last file goes: reviewers see everything acknowledged, byte for byte.
            File.Delete(rest);
            Assert.Equal(listed, await CrashLoad.VerifyAsync(client, fill.Acknowledged, envelopes));
            await AssertNothingLeftBehindAsync(client);

            // Space returns: the next submissions are taken without a restart.
            File.Delete(filler);
            clock.Restart();
            foreach (var envelope in envelopes)
                fill.Acknowledged[await client.SubmitOkAsync(envelope)] = envelope;
            _output.WriteLine($"space returned: every size accepted again within {clock.Elapsed.TotalMilliseconds:F0} ms");
            await CrashLoad.VerifyAsync(client, fill.Acknowledged, envelopes);
            await AssertNothingLeftBehindAsync(client);

            AssertNoCanary(earlierOutput + server.Output);
        }
        finally
        {
            client.Dispose();
            await server.DisposeAsync();
            _output.WriteLine($"server output:\n{earlierOutput}\n{server.Output}");
        }
    }

    [Fact]
    public async Task WithAReserve_FilledBySubmissions_KeepsTheReserveFree_AndTakesMoreWhenTheVolumeGrows()
    {
        const long reserve = 4 << 20;
        var envelopes = Envelopes();
        await using var server = await ServerProcess.StartAsync(_world.Settings(Settings(minFreeBytes: reserve)));
        using var client = new ServerClient(server.Address, _world);

        var fill = await SubmitUntilFullAsync(client, envelopes);
        _output.WriteLine($"reserve {reserve}: {fill}, {_disk.FreeBytes} bytes free");

        AssertOnlyCreatedOrClearRefusals(fill, listingsMustWork: true);
        Assert.True(fill.Count(201) > 0, fill.ToString());
        Assert.True(_disk.FreeBytes >= reserve - (256 << 10), $"only {_disk.FreeBytes} bytes free of a {reserve}-byte reserve");
        await CrashLoad.VerifyAsync(client, fill.Acknowledged, envelopes);
        await AssertNothingLeftBehindAsync(client);

        _disk.Resize(2 * DiskBytes);
        foreach (var envelope in envelopes)
            fill.Acknowledged[await client.SubmitOkAsync(envelope)] = envelope;
        await CrashLoad.VerifyAsync(client, fill.Acknowledged, envelopes);
        await AssertNothingLeftBehindAsync(client);
        AssertNoCanary(server.Output);
    }

    /// <summary>PostgreSQL: the store's tables in a tablespace on a small tmpfs of their own, which the
    /// submissions fill until PostgreSQL says 53100 disk_full.</summary>
    [Fact]
    public async Task Postgres_TablespaceFilledBySubmissions_RefusesClearly_KeepsWhatItAcknowledged_AndRecoversWhenItGrows()
    {
        var envelopes = Envelopes();
        await using var database = await PostgresDatabase.CreateAsync();
        using var tablespaceDisk = SmallFileSystem.Mount(_world.Folder["pg-small"], DiskBytes / 2, owner: "postgres");
        var tablespace = "test_" + Guid.NewGuid().ToString("N");
        await database.ExecuteAsAdminAsync($"CREATE TABLESPACE {tablespace} LOCATION '{tablespaceDisk.Path}'");
        try
        {
            var settings = StoreSettings.Postgres(database, _world.DataDir);
            settings["ConnectionStrings:Postgres"] = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString)
            {
                Options = $"-c default_tablespace={tablespace}",
            }.ToString();
            var server = await ServerProcess.StartAsync(_world.Settings(settings));
            var client = new ServerClient(server.Address, _world);
            try
            {
                var fill = await SubmitUntilFullAsync(client, envelopes);
                _output.WriteLine($"postgres tablespace of {DiskBytes / 2} bytes: {fill}, {tablespaceDisk.FreeBytes} bytes free");
                AssertOnlyCreatedOrClearRefusals(fill, listingsMustWork: false);
                Assert.True(fill.Count(201) > 0, fill.ToString());

                // Acknowledged means kept, on the full tablespace; then it grows and submissions are taken again.
                await CrashLoad.VerifyAsync(client, fill.Acknowledged, envelopes);
                tablespaceDisk.Resize(2 * DiskBytes);
                foreach (var envelope in envelopes)
                    fill.Acknowledged[await client.SubmitOkAsync(envelope)] = envelope;
                await CrashLoad.VerifyAsync(client, fill.Acknowledged, envelopes);
                AssertNoCanary(server.Output);
            }
            finally
            {
                client.Dispose();
                await server.DisposeAsync();
                _output.WriteLine($"server output:\n{server.Output}");
            }
        }
        finally
        {
            await database.DisposeAsync();
            await database.ExecuteAsAdminAsync($"DROP TABLESPACE IF EXISTS {tablespace}");
        }
    }

    sealed class Tally
    {
        public ConcurrentDictionary<string, byte[]> Acknowledged { get; } = new();
        public ConcurrentDictionary<int, int> Statuses { get; } = new();
        public ConcurrentDictionary<int, int> HealthStatuses { get; } = new();
        public ConcurrentDictionary<int, int> ListingStatuses { get; } = new();
        public ConcurrentQueue<string> BadRefusals { get; } = new();
        public long AcknowledgedBytes => Acknowledged.Values.Sum(e => (long)e.Length);
        public int Count(int status) => Statuses.GetValueOrDefault(status);

        public override string ToString() =>
            $"{Statuses.Values.Sum()} submissions: {string.Join(", ", Statuses.OrderBy(s => s.Key).Select(s => $"{s.Value}×{s.Key}"))}; " +
            $"{AcknowledgedBytes} bytes acknowledged; health {string.Join(", ", HealthStatuses.Select(s => $"{s.Value}×{s.Key}"))}; " +
            $"listings {string.Join(", ", ListingStatuses.Select(s => $"{s.Value}×{s.Key}"))}";
    }

    /// <summary>Eight clients submit envelopes of every size until 24 answers in a row are refusals (the
    /// volume takes not even the smallest), while a reviewer lists and a monitor checks health.</summary>
    static async Task<Tally> SubmitUntilFullAsync(ServerClient client, byte[][] envelopes)
    {
        var tally = new Tally();
        var refusedInARow = 0;
        // Set once: an upload still in flight when the volume is found full may yet be taken (a small one fits).
        var filled = false;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var submitters = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var envelope = envelopes[(worker + i) % envelopes.Length];
                HttpResponseMessage response;
                try
                {
                    response = await client.SubmitAsync(envelope);
                }
                catch (HttpRequestException e)
                {
                    tally.BadRefusals.Enqueue($"{envelope.Length} bytes: no answer ({e.InnerException?.Message ?? e.Message})");
                    continue;
                }
                using var _ = response;
                tally.Statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    tally.Acknowledged[(await response.Content.ReadFromJsonAsync<SubmittedReport>())!.Id] = envelope;
                    Interlocked.Exchange(ref refusedInARow, 0);
                    continue;
                }
                if (await RefusalProblem(response) is { } problem)
                    tally.BadRefusals.Enqueue(problem);
                if (Interlocked.Increment(ref refusedInARow) >= 24)
                {
                    Volatile.Write(ref filled, true);
                    stop.Cancel();
                }
            }
        })).ToList();
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using (var health = await client.Client.GetAsync(Routes.Health))
                    tally.HealthStatuses.AddOrUpdate((int)health.StatusCode, 1, (_, n) => n + 1);
                using (var listing = await client.SendSignedAsync(client.ReviewerKey, HttpMethod.Get, Routes.Reports, at: DateTimeOffset.UtcNow))
                {
                    tally.ListingStatuses.AddOrUpdate((int)listing.StatusCode, 1, (_, n) => n + 1);
                    if (listing.StatusCode != HttpStatusCode.OK && await RefusalProblem(listing) is { } problem)
                        tally.BadRefusals.Enqueue("listing: " + problem);
                }
                await Task.Delay(50);
            }
        });
        await Task.WhenAll([.. submitters, watcher]);
        Assert.True(Volatile.Read(ref filled), $"the volume never filled in 30 s: {tally}");
        return tally;
    }

    /// <summary>Null when the refusal is the clear one (503, problem details that say to come back, a
    /// Retry-After); else what is wrong with it.</summary>
    static async Task<string?> RefusalProblem(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
            return $"{(int)response.StatusCode}: {body}";
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            return $"503 without problem details: {body}";
        if (response.Headers.RetryAfter?.Delta is not { } wait || wait <= TimeSpan.Zero)
            return $"503 without Retry-After: {body}";
        using var problem = JsonDocument.Parse(body);
        var detail = problem.RootElement.GetProperty("detail").GetString() ?? "";
        return detail.Contains("cannot take", StringComparison.Ordinal) ? null : $"503 that does not say the server cannot take it now: {body}";
    }

    /// <summary>Nothing but 201s and clear 503s, health always answered; reviewers' listings always
    /// answered too while the server's own reserve holds, else answered or refused clearly (with no byte
    /// free a signed request cannot record its nonce, and is not let through without it).</summary>
    static void AssertOnlyCreatedOrClearRefusals(Tally tally, bool listingsMustWork)
    {
        Assert.True(tally.BadRefusals.IsEmpty, $"{tally}\nunclear refusals:\n{string.Join('\n', tally.BadRefusals.Distinct().Take(5))}");
        Assert.All(tally.Statuses.Keys, status => Assert.Contains(status, new[] { 201, 503 }));
        Assert.True(tally.Count(503) > 0, tally.ToString());
        Assert.Equal([200], tally.HealthStatuses.Keys);
        Assert.All(tally.ListingStatuses.Keys, status => Assert.Contains(status, listingsMustWork ? [200] : new[] { 200, 503 }));
    }

    /// <summary>The ciphertext volume holds the listed items' blocks and nothing else (a refused or erased
    /// upload's blocks went back to the file system), and no upload is spooled or half-written.</summary>
    async Task AssertNothingLeftBehindAsync(ServerClient client)
    {
        var listed = await client.ListReportsAsync();
        var held = listed.Sum(r => (r.Size + CiphertextVolume.Block - 1) / CiphertextVolume.Block * CiphertextVolume.Block);
        Assert.Equal(held, FileBlocks.AllocatedBytes(Path.Combine(DataDir, CiphertextVolume.FileName)));
        var incoming = Path.Combine(DataDir, DataFolder.IncomingFolder);
        Assert.Empty(Directory.Exists(incoming) ? Directory.GetFiles(incoming) : []);
    }

    /// <summary>The plaintext's canary and the clients' address are in no file on the volume and in no
    /// line the server wrote.</summary>
    void AssertNoCanary(string serverOutput)
    {
        string[] secrets = [Canary, "CANARY-diskfull", ServerClient.ClientAddress.ToString()];
        foreach (var secret in secrets)
        {
            Assert.False(TempFolder.AnyFileContains(_disk.Path, Encoding.UTF8.GetBytes(secret)), $"'{secret}' found on the server's volume");
            Assert.DoesNotContain(secret, serverOutput);
        }
    }
}
