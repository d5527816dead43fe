using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Reporting.Format.Protocol;

namespace Reporting.Server.Tests.Http;

/// <summary>Issue 9's soak in short: sustained submissions (and a reviewer deleting the oldest) against the
/// server as a process of its own, its open files, threads and memory read from /proc before, during and
/// after. A handle, thread or buffer kept per request adds up to thousands of them here; the bounds leave
/// room for what legitimately comes and goes (pooled connections, pool threads, GC heap sizing).
/// The long form is the soak benchmark (README, Measurements).</summary>
public sealed class SoakTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    const int Clients = 8;
    const int Kept = 200;
    static readonly TimeSpan Window = TimeSpan.FromSeconds(4);
    const int Windows = 4;

    readonly TestWorld _world = new();

    public void Dispose() => _world.Dispose();

    [Fact]
    public async Task SustainedSubmissions_LeaveOpenFilesThreadsAndMemoryFlat()
    {
        await using var server = await ServerProcess.StartAsync(_world.Settings(new Dictionary<string, string?>
        {
            ["Reporting:SignedRequestsPerSecond"] = "100000",
        }));
        var envelope = StockAge.Seal(RandomNumberGenerator.GetBytes(16 << 10), _world.Reviewers.Select(r => r.Recipient));
        var kept = new ConcurrentQueue<string>();

        // Warm-up: the first requests JIT the server, open its pools and size its heap; then the clients
        // go, so the idle figures are taken with no connection open.
        await LoadAsync(server, envelope, kept, TimeSpan.FromSeconds(3), _ => { });
        var before = await SettledAsync(server.Id, target: null);

        var windows = new List<List<ProcessFigures>>();
        var submissions = await LoadAsync(server, envelope, kept, Window * Windows, elapsed =>
        {
            var index = (int)(elapsed / Window);
            while (windows.Count <= index)
                windows.Add([]);
            windows[index].Add(ProcessFigures.Of(server.Id));
        });
        var after = await SettledAsync(server.Id, target: before);

        var first = Median(windows[0]);
        var last = Median(windows[^1]);
        output.WriteLine($"{submissions} submissions in {(Window * Windows).TotalSeconds} s; load average {ProcessFigures.LoadAverage()}");
        output.WriteLine($"idle before: {before}; first window: {first}; last window: {last}; idle after: {after}");
        Assert.True(submissions >= 200, $"only {submissions} submissions: too few to show a leak");
        // The load may open pooled SQLite connections (three descriptors each) that stay open when it ends: the idle
        // figure after is held to the larger of the idle one before and the first window's, a leak grows past both.
        var held = Math.Max(before.OpenFiles, first.OpenFiles);
        Assert.True(after.OpenFiles <= held + 8, $"open files {before.OpenFiles} before the load, {first.OpenFiles} in its first window, {after.OpenFiles} after");
        Assert.True(after.Sockets <= before.Sockets + 8, $"sockets {before.Sockets} before the load, {after.Sockets} after (the clients closed theirs)");
        Assert.True(after.Threads <= before.Threads + 12, $"threads {before.Threads} before the load, {after.Threads} after");
        Assert.True(last.OpenFiles <= first.OpenFiles + 16, $"open files {first.OpenFiles} in the first window, {last.OpenFiles} in the last");
        Assert.True(last.RssBytes <= first.RssBytes * 1.5 + (64 << 20), $"RSS {first.RssBytes >> 20} MiB in the first window, {last.RssBytes >> 20} MiB in the last");
    }

    /// <summary><see cref="Clients"/> clients of their own submit for <paramref name="length"/>; beyond
    /// <see cref="Kept"/> reports each deletes the oldest after its submission, as a reviewer would. Every
    /// request must succeed. <paramref name="sample"/> runs about once a second. Returns the submissions;
    /// the clients' connections are closed when it returns.</summary>
    async Task<int> LoadAsync(ServerProcess server, byte[] envelope, ConcurrentQueue<string> kept, TimeSpan length, Action<TimeSpan> sample)
    {
        using var api = new ServerClient(server.Address, _world);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var submissions = 0;
        var load = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < length)
            {
                kept.Enqueue(await api.SubmitOkAsync(envelope));
                Interlocked.Increment(ref submissions);
                if (kept.Count > Kept && kept.TryDequeue(out var oldest))
                {
                    using var deleted = await api.SendSignedAsync(api.ReviewerKey, HttpMethod.Delete, Routes.Report(oldest), at: DateTimeOffset.UtcNow);
                    Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
                }
            }
        })).ToList();
        while (clock.Elapsed < length && !load.Any(t => t.IsFaulted))
        {
            sample(clock.Elapsed);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        await Task.WhenAll(load);
        return submissions;
    }

    /// <summary>The figures once the server has had time to close what the load opened: polled until the
    /// open files come back to within 4 of <paramref name="target"/>'s (or for 2 s when there is none), at most 5 s.</summary>
    static async Task<ProcessFigures> SettledAsync(int pid, ProcessFigures? target)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            var now = ProcessFigures.Of(pid);
            if (target is null ? waited.Elapsed >= TimeSpan.FromSeconds(2) : now.OpenFiles <= target.OpenFiles + 4 || waited.Elapsed >= TimeSpan.FromSeconds(5))
                return now;
        }
    }

    static ProcessFigures Median(List<ProcessFigures> samples) => new(
        samples.Select(s => s.RssBytes).Order().ElementAt(samples.Count / 2),
        samples.Select(s => s.OpenFiles).Order().ElementAt(samples.Count / 2),
        samples.Select(s => s.Sockets).Order().ElementAt(samples.Count / 2),
        samples.Select(s => s.Threads).Order().ElementAt(samples.Count / 2));
}
