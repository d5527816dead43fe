using System.Diagnostics;
using System.Net;
using Polly.CircuitBreaker;
using Reporting.Report.Delivery;
using Xunit;

namespace Reporting.Client.Tests;

/// <summary>The retry pipeline's decisions, on canned answers (the network paths are covered end to end).</summary>
public sealed class DeliveryPolicyTests
{
    static readonly DeliveryPolicy Quick = new(TimeSpan.FromSeconds(5), MaxAttempts: 4);

    [Fact]
    public async Task ServerBusy_WithRetryAfter_IsRetriedAfterThatPause()
    {
        var answers = new Queue<HttpResponseMessage>([Busy(HttpStatusCode.ServiceUnavailable, seconds: 1), new HttpResponseMessage(HttpStatusCode.Created)]);
        var pipeline = Quick.Build(0, Quick.Breaker(), _ => { });
        var clock = Stopwatch.StartNew();

        using var response = await pipeline.ExecuteAsync(_ => ValueTask.FromResult(answers.Dequeue()));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.95), clock.Elapsed.ToString());
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, 3600)]
    // A full server (Problems.NoSpace) asks for a minute: the report stays queued rather than holding the source.
    [InlineData(HttpStatusCode.ServiceUnavailable, 60)]
    public async Task ServerAskingForALongPause_IsNotWaitedFor(HttpStatusCode status, int seconds)
    {
        var calls = 0;
        var pipeline = Quick.Build(0, Quick.Breaker(), _ => { });

        using var response = await pipeline.ExecuteAsync(_ => { calls++; return ValueTask.FromResult(Busy(status, seconds)); });

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Refusal_IsNotRetried()
    {
        var calls = 0;
        var pipeline = Quick.Build(0, Quick.Breaker(), _ => { });

        using var response = await pipeline.ExecuteAsync(_ => { calls++; return ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.BadRequest)); });

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task NetworkErrors_AreRetriedWithBackoff_ThenTheCircuitOpensForTheRestOfTheRun()
    {
        var policy = new DeliveryPolicy(TimeSpan.FromSeconds(5), MaxAttempts: 2);
        var breaker = policy.Breaker();
        var calls = 0;
        var retries = new List<string>();
        ValueTask<HttpResponseMessage> Fail(CancellationToken _) { calls++; throw new HttpRequestException("connection reset"); }

        for (var envelope = 0; envelope < 2; envelope++)
            await Assert.ThrowsAsync<HttpRequestException>(async () => await policy.Build(0, breaker, retries.Add).ExecuteAsync(Fail));
        await Assert.ThrowsAsync<BrokenCircuitException>(async () => await policy.Build(0, breaker, retries.Add).ExecuteAsync(Fail));

        Assert.Equal(4, calls);
        Assert.Equal(["connection reset", "connection reset"], retries);
    }

    [Fact]
    public void LargerEnvelopes_GetMoreTimePerAttempt() =>
        Assert.True(Quick.TimeoutFor(10 << 20) > Quick.TimeoutFor(1 << 10) + TimeSpan.FromMinutes(1));

    static HttpResponseMessage Busy(HttpStatusCode status, int seconds)
    {
        var response = new HttpResponseMessage(status);
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
        return response;
    }
}
