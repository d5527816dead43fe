using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Reporting.Format.Keys;
using Reporting.Format.Protocol;
using Xunit.Abstractions;

namespace Reporting.Server.Tests.Http;

/// <summary>Hostile HTTP against the real server: a bounded stream of random requests never gets a 5xx,
/// and a crowd of slow clients does not keep a real source out.</summary>
public sealed class HostileHttpTests(ITestOutputHelper output) : ServerTest
{
    /// <summary>The CI form; set REPORTING_HOSTILE_REQUESTS=100000 (or more) for the long form.</summary>
    const int DefaultRequests = 10_000;
    const int Workers = 8;
    static readonly TimeSpan Deadline = TimeSpan.FromMinutes(30);

    [Fact]
    public async Task RandomHostileRequests_NeverYieldA5xx_AndSourcesAndReviewersStillGetIn()
    {
        var count = LongForm.Setting("REPORTING_HOSTILE_REQUESTS", DefaultRequests);
        var seed = int.TryParse(Environment.GetEnvironmentVariable("REPORTING_HOSTILE_SEED"), out var s) ? s : Random.Shared.Next();
        output.WriteLine($"REPORTING_HOSTILE_SEED={seed} REPORTING_HOSTILE_REQUESTS={count}");
        using var mailbox = SigningKey.Generate(SigningKeyKind.Mailbox);
        var envelope = Server.SealForRoster("a report that is mutated on its way"u8.ToArray());
        var statuses = new ConcurrentDictionary<int, int>();
        var sent = 0;
        using var deadline = new CancellationTokenSource(Deadline);
        var watch = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            using var hostile = new HostileRequests(Server, envelope, mailbox, seed + worker);
            while (!deadline.IsCancellationRequested && Interlocked.Increment(ref sent) <= count)
                foreach (var status in await hostile.SendOneAsync())
                    statuses.AddOrUpdate(status, 1, (_, c) => c + 1);
        })));
        watch.Stop();

        var answered = statuses.Sum(p => p.Value);
        output.WriteLine($"{answered} answers in {watch.Elapsed.TotalSeconds:F1} s: " +
            string.Join(", ", statuses.OrderBy(p => p.Key).Select(p => $"{(p.Key == 0 ? "closed" : p.Key)}×{p.Value}")));
        Assert.False(deadline.IsCancellationRequested, "the run hit its deadline");
        Assert.True(answered >= count, $"only {answered} of {count} requests were answered");
        Assert.DoesNotContain(statuses.Keys, status => status >= 500);
        Assert.DoesNotContain(Server.Logs.Lines, l => l.StartsWith("Error") || l.StartsWith("Critical"));
        // Honest traffic still works after the storm, and it did reach the routes (not only 400s and 404s).
        Assert.Contains(statuses.Keys, status => status is 401 or 403 or 409 or 422);
        Assert.NotNull(await Server.SubmitOkAsync(Server.SealForRoster("still fine"u8.ToArray())));
        Assert.NotEmpty(await Server.ListReportsAsync());
    }

    [Fact]
    public async Task SlowClientFlood_TricklingHeadersAndBodies_DoesNotStopARealSubmission()
    {
        // A crowd holding connections with trickles: headers never finished, bodies on every route sent a byte at a
        // time, and uploads with a solved proof of work holding upload slots (fewer than there are slots: beyond them
        // the minimum data rate is what frees a slot, after its 30 s grace; see the threat model).
        const int Crowd = 300, UploadsHoldingSlots = 24;
        var pows = new List<string>();
        for (var i = 0; i < UploadsHoldingSlots; i++)
            pows.Add(await Server.SolvedPowAsync(declaredLength: 200000));
        var heads = Enumerable.Range(0, Crowd).Select(i => (i % 5) switch
        {
            0 => $"POST {Routes.Reports} HTTP/1.1\r\nHost: x\r\nX-Slow: ",
            1 => $"POST {Routes.Replies("x")} HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n",
            2 => $"GET {Routes.Reports} HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n",
            3 => $"POST {Routes.Reports} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n{SubmissionHeaders.RosterVersion}: 1\r\n\r\n1000\r\n",
            _ => i / 5 < UploadsHoldingSlots
                ? $"POST {Routes.Reports} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 200000\r\n{SubmissionHeaders.Pow}: {pows[i / 5]}\r\n{SubmissionHeaders.RosterVersion}: 1\r\n{SubmissionHeaders.IdempotencyKey}: {RunningServer.NewIdempotencyKey()}\r\n\r\nage-encryption.org/v1\n"
                : $"POST {Routes.Challenges} HTTP/1.1\r\nHost: x\r\nContent-Length: 50000\r\n\r\n",
        }).ToList();
        var sockets = new List<Socket>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var trickled = 0;
        try
        {
            foreach (var head in heads)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(Server.Address.Host, Server.Address.Port);
                await socket.SendAsync(Encoding.ASCII.GetBytes(head));
                sockets.Add(socket);
            }
            // Every connection gets one more byte every 200 ms for as long as the server keeps it.
            var trickle = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    foreach (var socket in sockets)
                    {
                        try
                        {
                            await socket.SendAsync("a"u8.ToArray(), SocketFlags.None, stop.Token);
                            Interlocked.Increment(ref trickled);
                        }
                        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException) { }
                    }
                    await Task.Delay(200, CancellationToken.None);
                }
            });
            await Task.Delay(TimeSpan.FromSeconds(2));
            var trickledBefore = Volatile.Read(ref trickled);

            var started = Stopwatch.StartNew();
            var id = await Server.SubmitOkAsync(Server.SealForRoster("through the crowd"u8.ToArray()));
            var listed = await Server.ListReportsAsync();
            using var roster = await Server.Client.GetAsync(Routes.Roster);
            var took = started.Elapsed;
            await stop.CancelAsync();
            await trickle;
            output.WriteLine($"{sockets.Count} slow connections, {trickledBefore} bytes trickled before; submission, listing and roster took {took.TotalMilliseconds:F0} ms");

            Assert.Contains(listed, r => r.Id == id);
            Assert.Equal(HttpStatusCode.OK, roster.StatusCode);
            Assert.True(took < TimeSpan.FromSeconds(10), $"the honest requests took {took}");
            // At least two rounds of trickle reached the server's sockets before the honest requests went in.
            Assert.True(trickledBefore >= Crowd * 2, $"the crowd sent only {trickledBefore} trickle bytes: it was not flooding");
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var socket in sockets)
                socket.Dispose();
        }
    }
}
