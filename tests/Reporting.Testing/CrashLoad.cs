using Reporting.Format.Protocol;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Xunit;

namespace Reporting.Testing;

/// <summary>docs/DESIGN.md §5: no acknowledged report lost and none half-listed across <c>kill -9</c> during load.
/// The load that a server process is killed under, and the check of what it kept.</summary>
public static class CrashLoad
{
    /// <summary>Sizes on both sides of the in-memory limit (and of the PostgreSQL chunk), so every receiving and
    /// storing path is under load; each plaintext begins with <paramref name="prefix"/> (e.g. a canary).</summary>
    public static byte[][] Envelopes(TestWorld world, string prefix = "")
    {
        var recipients = world.Reviewers.Select(r => r.Recipient).ToList();
        return [.. new[] { 1_000, 150_000, 600_000, 2_000_000 }.Select(n => StockAge.Seal(Encoding.ASCII.GetBytes(prefix + new string('c', n)), recipients))];
    }

    /// <summary>Eight clients submit as fast as they can; after <paramref name="before"/> the server is
    /// killed with SIGKILL. Returns what it acknowledged (id → envelope).</summary>
    public static async Task<ConcurrentDictionary<string, byte[]>> LoadUntilKilledAsync(ServerProcess server, ServerClient client, byte[][] envelopes, TimeSpan before)
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
                    using var response = await client.SubmitAsync(envelope);
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
    public static async Task<int> VerifyAsync(ServerClient reader, ConcurrentDictionary<string, byte[]> acknowledged, byte[][] envelopes)
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
