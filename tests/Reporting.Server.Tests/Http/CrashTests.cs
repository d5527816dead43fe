using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Reporting.Format.Protocol;

namespace Reporting.Server.Tests.Http;

/// <summary>DESIGN §5: no acknowledged report lost and none half-listed across <c>kill -9</c> during load.
/// The server runs as its own process (the built dll) so it can be killed for real.</summary>
public sealed class CrashTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    readonly TestWorld _world = new();

    public void Dispose() => _world.Dispose();

    Process StartServer(int port)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Reporting.Server.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var (key, value) in _world.Settings())
            start.Environment[key.Replace(":", "__")] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    static async Task WaitHealthyAsync(HttpClient client)
    {
        for (var i = 0; i < 300; i++)
        {
            try
            {
                using var response = await client.GetAsync("/healthz");
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException("the server did not start");
    }

    [Fact]
    public async Task KillDuringLoad_LosesNoAcknowledgedReport_AndListsNoHalfOne()
    {
        var port = FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        using var client = RunningServer.NewClient(address);
        var server = StartServer(port);
        await WaitHealthyAsync(client);
        // Sizes on both sides of the in-memory limit, so both receiving paths are under load.
        var recipients = _world.Reviewers.Select(r => r.Recipient).ToList();
        byte[][] envelopes = [.. new[] { 1_000, 150_000, 600_000, 2_000_000 }.Select(n => AgeTool.Seal(Encoding.ASCII.GetBytes(new string('c', n)), recipients))];
        var acknowledged = new ConcurrentDictionary<string, byte[]>();
        using var stop = new CancellationTokenSource();

        var load = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var envelope = envelopes[(worker + i) % envelopes.Length];
                try
                {
                    using var challengeResponse = await client.PostAsync("/api/v1/challenges", null);
                    var challenge = (await challengeResponse.Content.ReadFromJsonAsync<RunningServer.ChallengeAnswer>())!;
                    var nonce = ProofOfWork.Solve(Encoding.ASCII.GetBytes(challenge.Challenge), challenge.Difficulty);
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reports") { Content = new ByteArrayContent(envelope) };
                    request.Content.Headers.ContentType = new("application/octet-stream");
                    request.Headers.Add("Reporting-Pow", $"{challenge.Challenge}:{nonce}");
                    request.Headers.Add("Reporting-Roster-Version", "1");
                    request.Headers.Add("Idempotency-Key", RunningServer.NewIdempotencyKey());
                    using var response = await client.SendAsync(request);
                    if (response.StatusCode == HttpStatusCode.Created)
                        acknowledged[(await response.Content.ReadFromJsonAsync<RunningServer.IdAnswer>())!.Id] = envelope;
                }
                catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or System.Text.Json.JsonException)
                {
                    // The server died under us: whatever was not acknowledged may or may not be kept.
                }
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(2));
        server.Kill(entireProcessTree: true);
        server.WaitForExit();
        stop.Cancel();
        await Task.WhenAll(load);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        server = StartServer(port);
        try
        {
            await WaitHealthyAsync(client);
            // Only the client half of RunningServer: the server is the child process.
            var reader = new RunningServer
            {
                App = null!, Address = address, Client = client, Logs = new CapturedLogs(), World = _world,
            };
            var listed = await reader.ListReportsAsync();
            output.WriteLine($"{acknowledged.Count} acknowledged before the kill, {listed.Count} listed after the restart");

            Assert.NotEmpty(acknowledged);
            Assert.All(acknowledged.Keys, id => Assert.Contains(id, listed.Select(r => r.Id)));
            foreach (var report in listed)
            {
                // Acknowledged ones byte for byte; any other (committed as the answer was lost) whole.
                var bytes = await reader.DownloadAsync(report.Id);
                Assert.Equal(report.Size, bytes.Length);
                Assert.Contains(envelopes, e => e.AsSpan().SequenceEqual(bytes));
                if (acknowledged.TryGetValue(report.Id, out var sent))
                    Assert.Equal(sent, bytes);
            }
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit();
        }
    }

    static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
