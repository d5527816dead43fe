using System.Net;
using Reporting.Format.Protocol;

namespace Reporting.Server.Tests.Http;

/// <summary>Uploads declare their length and keep a pace (UploadPace): after the grace, 8 KiB/s on average, so a slot is
/// held only by someone sending that fast, and never past the deadline the declared size gives. Half the slots are
/// kept for small envelopes. A one-second grace and two slots here, so each case takes a second or two.</summary>
public sealed class UploadDeadlineTests : ServerTest
{
    const int GraceSeconds = 1;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Reporting:UploadGraceSeconds"] = GraceSeconds.ToString();
        // One slot for any upload, one kept for envelopes up to 1 MiB.
        settings["Reporting:MaxConcurrentUploads"] = "2";
    }

    [Fact]
    public async Task ChunkedUpload_GetsLengthRequired()
    {
        using var request = await RawRequest.SendHeadAsync(Server.Address, Head(await Server.SolvedPowAsync(), contentLength: null));
        await request.SendAsync("1000\r\n"u8.ToArray());
        var (status, _) = await request.ReadStatusAsync(TimeSpan.FromSeconds(5));

        Assert.StartsWith("HTTP/1.1 411", status);
    }

    [Fact]
    public async Task UploadPastItsDeadline_IsCut_AndItsTokenIsNotSpentTwice()
    {
        // 16 KiB declared: whole within 1 s + 2 s at the slowest pace. Half is sent at once, then nothing.
        var envelope = Server.SealForRoster(new byte[(16 << 10) - 300]);
        var pow = await Server.SolvedPowAsync(envelope.Length);
        var deadline = UploadPace.Deadline(envelope.Length, TimeSpan.FromSeconds(GraceSeconds));

        using var request = await RawRequest.SendHeadAsync(Server.Address, Head(pow, envelope.Length));
        await request.SendAsync(envelope.AsMemory(0, envelope.Length / 2));
        var (status, after) = await request.ReadStatusAsync(deadline + TimeSpan.FromSeconds(5));
        // The same solution again, with the whole envelope and at full speed: it bought one attempt, now spent.
        using var again = await Server.SubmitAsync(envelope, pow);

        Assert.StartsWith("HTTP/1.1 408", status);
        Assert.InRange(after, TimeSpan.FromSeconds(GraceSeconds), deadline + TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
        Assert.Empty(await Server.ListReportsAsync());
        // The cut leaves Kestrel's body reader in a state it can drain: no error an operator would see.
        Assert.DoesNotContain(Server.Logs.Lines, line => line.StartsWith("Error", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(16 << 10)]  // received into memory
    [InlineData(600 << 10)] // received into a spool
    public async Task UploadsResetInTheirMiddle_KeepNothing_AndLeaveNoErrorInTheLog(int size)
    {
        var envelope = Server.SealForRoster(new byte[size - 300]);
        for (var i = 0; i < 8; i++)
        {
            using var request = await RawRequest.SendHeadAsync(Server.Address, Head(await Server.SolvedPowAsync(envelope.Length), envelope.Length));
            await request.SendAsync(envelope.AsMemory(0, envelope.Length / 2));
            await Task.Delay(20 * i);
            request.Reset();
        }
        using var whole = await Server.SubmitAsync(envelope);

        Assert.Equal(HttpStatusCode.Created, whole.StatusCode);
        Assert.Single(await Server.ListReportsAsync());
        // A read the reset broke leaves Kestrel's body reader mid-read: draining it would log an error.
        var errors = Server.Logs.Lines.Where(line => line.StartsWith("Error", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task TricklingUpload_DeclaringTheLargestSize_IsCutSoonAfterTheGrace()
    {
        // 4 MiB declared would be hours at 256 B/s, the floor before the pace; a trickle now holds its slot for the grace.
        var declared = 4L << 20;
        using var request = await RawRequest.SendHeadAsync(Server.Address, Head(await Server.SolvedPowAsync(declared), declared));
        var trickle = Task.Run(async () =>
        {
            for (var i = 0; i < 40 && await request.SendAsync("age-encryption.org/v1\n"u8.ToArray()); i++)
                await Task.Delay(100);
        });
        var (status, after) = await request.ReadStatusAsync(TimeSpan.FromSeconds(10));
        await trickle;

        Assert.StartsWith("HTTP/1.1 408", status);
        Assert.True(after < TimeSpan.FromSeconds(GraceSeconds + 2), $"cut after {after}");
    }

    [Fact]
    public async Task LargeUploadsHoldingEverySlotTheyMay_LeaveTheKeptOneToATypicalReport()
    {
        // Two large uploads sent at twice the pace: the first holds the one slot open to any size, the second
        // waits for it. A typical report still finds the slot kept for small envelopes.
        var declared = 2L << 20;
        var large = new List<RawRequest>();
        using var stop = new CancellationTokenSource();
        try
        {
            for (var i = 0; i < 2; i++)
                large.Add(await RawRequest.SendHeadAsync(Server.Address, Head(await Server.SolvedPowAsync(declared), declared)));
            var feeding = large.Select(request => Task.Run(async () =>
            {
                var chunk = new byte[2 * UploadPace.SlowestBytesPerSecond / 10];
                while (!stop.IsCancellationRequested && await request.SendAsync(chunk))
                    await Task.Delay(100);
            })).ToList();
            await Task.Delay(TimeSpan.FromSeconds(GraceSeconds + 0.5));

            var watch = System.Diagnostics.Stopwatch.StartNew();
            var id = await Server.SubmitOkAsync(Server.SealForRoster("a typical report"u8.ToArray()));
            var took = watch.Elapsed;
            await stop.CancelAsync();
            await Task.WhenAll(feeding);

            Assert.Contains(await Server.ListReportsAsync(), r => r.Id == id);
            Assert.True(took < TimeSpan.FromSeconds(2), $"the typical report waited {took}");
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var request in large)
                request.Dispose();
        }
    }

    string Head(string pow, long? contentLength) =>
        $"POST {Routes.Reports} HTTP/1.1\r\nHost: test\r\nContent-Type: application/octet-stream\r\n" +
        $"{SubmissionHeaders.Pow}: {pow}\r\n{SubmissionHeaders.RosterVersion}: {World.RosterVersion}\r\n" +
        $"{SubmissionHeaders.IdempotencyKey}: {RunningServer.NewIdempotencyKey()}\r\n" +
        (contentLength is { } length ? $"Content-Length: {length}" : "Transfer-Encoding: chunked");
}
