using System.Diagnostics;
using System.Net;
using Reporting.Format.Keys;
using Reporting.Format.Protocol;

namespace Reporting.Server.Tests.Http;

/// <summary>The reviewer and mailbox buckets are charged only once a signature verifies, so garbage at any
/// rate cannot spend them and delay the people who hold the keys.</summary>
public sealed class SignedFloodTests : ServerTest
{
    /// <summary>Small buckets (a burst of 50, 5 a second), so that a flood empties them within a second here,
    /// however busy the machine: what is tested is who gets charged, not how large the default is.</summary>
    const int PerSecond = 5;
    /// <summary>Half to each route: twenty times a bucket's burst, plus what it refills while the flood runs.</summary>
    const int FloodBeforeChecking = 2000;
    const int FloodLimit = 40_000;
    static readonly TimeSpan FloodDeadline = TimeSpan.FromSeconds(60);
    static readonly TimeSpan Prompt = TimeSpan.FromSeconds(3);

    protected override void Configure(Dictionary<string, string?> settings) =>
        settings["Reporting:SignedRequestsPerSecond"] = PerSecond.ToString();

    [Fact]
    public async Task UnsignedFlood_FarAboveTheBucketRate_DoesNotDelayASignedReviewerOrMailboxRequest()
    {
        using var mailbox = SigningKey.Generate(SigningKeyKind.Mailbox);
        using var stranger = SigningKey.Generate(SigningKeyKind.Access);
        var mailboxPath = Routes.Replies(mailbox.PublicKey.ToString());
        var sent = 0;
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        using var stop = new CancellationTokenSource(FloodDeadline);

        // Unsigned, signed by a key no roster lists, and signed over another path: none verifies.
        async Task FloodAsync(int worker)
        {
            for (var i = 0; !stop.IsCancellationRequested && Interlocked.Increment(ref sent) <= FloodLimit; i++)
            {
                var request = ((worker + i) % 4) switch
                {
                    0 => new HttpRequestMessage(HttpMethod.Get, Routes.Reports),
                    1 => new HttpRequestMessage(HttpMethod.Get, mailboxPath),
                    2 => Format.Protocol.RequestSignature.CreateRequest(stranger, HttpMethod.Get, Routes.Reports, null, World.Clock.GetUtcNow()),
                    _ => Retargeted(Format.Protocol.RequestSignature.CreateRequest(mailbox, HttpMethod.Get, mailboxPath + "?x", null, World.Clock.GetUtcNow()), mailboxPath),
                };
                using var response = await Server.Client.SendAsync(request, CancellationToken.None);
                statuses.Add(response.StatusCode);
            }
        }

        var flood = Enumerable.Range(0, 16).Select(w => Task.Run(() => FloodAsync(w))).ToArray();
        while (Volatile.Read(ref sent) < FloodBeforeChecking && !stop.IsCancellationRequested)
            await Task.Delay(20);
        var answers = new List<(HttpStatusCode Status, TimeSpan Took)>();
        for (var i = 0; i < 5; i++)
        {
            foreach (var (key, path) in new[] { (Server.ReviewerKey, Routes.Reports), (mailbox, mailboxPath) })
            {
                var watch = Stopwatch.StartNew();
                using var response = await Server.SendSignedAsync(key, HttpMethod.Get, path);
                answers.Add((response.StatusCode, watch.Elapsed));
            }
        }
        var floodStillRunning = flood.Any(t => !t.IsCompleted);
        await stop.CancelAsync();
        await Task.WhenAll(flood);

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.All(answers, a => Assert.True(a.Took < Prompt, $"a signed request took {a.Took}"));
        Assert.True(floodStillRunning, "the flood ended before the signed requests were sent");
        Assert.True(statuses.Count >= FloodBeforeChecking, $"only {statuses.Count} flood requests were answered");
        // Refused for what they are, not because a bucket they could empty was empty.
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
    }

    [Fact]
    public async Task ValidlySignedMailboxFlood_MeetsItsOwnBucket_WithRetryAfter_AndReviewersStillGetIn()
    {
        // Mailbox keys cost nothing to make: this is the flood a bucket after the signature is for.
        using var mailbox = SigningKey.Generate(SigningKeyKind.Mailbox);
        var path = Routes.Replies(mailbox.PublicKey.ToString());
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        HttpResponseMessage? busy = null;
        var sent = 0;

        async Task FloodAsync()
        {
            while (Interlocked.Increment(ref sent) <= FloodBeforeChecking && busy is null)
            {
                var response = await Server.SendSignedAsync(mailbox, HttpMethod.Get, path);
                statuses.Add(response.StatusCode);
                if (response.StatusCode != HttpStatusCode.TooManyRequests || Interlocked.CompareExchange(ref busy, response, null) is not null)
                    response.Dispose();
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(FloodAsync)));
        using var reviewer = await Server.SendSignedAsync(Server.ReviewerKey, HttpMethod.Get, Routes.Reports);

        Assert.NotNull(busy);
        using (busy)
        {
            Assert.Equal("1", busy.Headers.RetryAfter?.ToString());
            Assert.Equal("application/problem+json", busy.Content.Headers.ContentType?.MediaType);
        }
        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Equal(HttpStatusCode.OK, reviewer.StatusCode);
    }

    /// <summary>A request signed for one path, sent to another: its signature does not verify there.</summary>
    static HttpRequestMessage Retargeted(HttpRequestMessage request, string path)
    {
        request.RequestUri = new Uri(path, UriKind.Relative);
        return request;
    }
}
