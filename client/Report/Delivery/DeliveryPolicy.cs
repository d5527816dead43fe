using System.Net;
using System.Net.Sockets;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using Reporting.Format.Protocol;

namespace Reporting.Report.Delivery;

/// <summary>How hard to try before leaving a report in the outbox for later.</summary>
/// <param name="AttemptTimeout">The base allowance for one attempt; larger envelopes get more (see <see cref="TimeoutFor"/>).</param>
sealed record DeliveryPolicy(TimeSpan AttemptTimeout, int MaxAttempts)
{
    public static readonly DeliveryPolicy Default = new(TimeSpan.FromSeconds(60), 6);

    /// <summary>The largest envelope the server said it takes (PROTOCOL.md "Limits"), or null when it never said:
    /// a larger one is not offered at all, as the server would refuse it however often it is sent.</summary>
    public long? MaxEnvelopeBytes { get; init; }


    /// <summary>A server may ask to wait; beyond this, waiting in the foreground helps nobody and the report stays
    /// queued at once (exit 75) for a later <c>report send</c>. A full server asks for a minute, and a source should
    /// not sit for several such minutes at a screen that says nothing new.</summary>
    static readonly TimeSpan LongestRetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>The base, and the time the upload may take at the slowest pace a server accepts (8 KiB/s, the pace a
    /// slow Tor circuit still keeps: <see cref="UploadPace"/>); a queued upload or a stalled line is then cut and retried.</summary>
    public TimeSpan TimeoutFor(long envelopeBytes) => AttemptTimeout + TimeSpan.FromSeconds((double)envelopeBytes / UploadPace.SlowestBytesPerSecond);

    /// <summary>The circuit breaker is shared by every envelope of one run: when the server is plainly
    /// unreachable, the rest of the outbox is left for later instead of retried one by one.</summary>
    public ResiliencePipeline<HttpResponseMessage> Build(long envelopeBytes, ResiliencePipeline<HttpResponseMessage> breaker, Action<string> onRetry)
    {
        var transient = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<IOException>()
            .Handle<SocketException>()
            .Handle<TimeoutRejectedException>()
            .HandleResult(IsTransient);
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        // Polly wants at least one retry; a single attempt simply has no retry strategy.
        if (MaxAttempts > 1)
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient,
                MaxRetryAttempts = MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(1),
                MaxDelay = TimeSpan.FromSeconds(60),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
                OnRetry = args =>
                {
                    onRetry(Describe(args.Outcome));
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            });
        return builder
            .AddPipeline(breaker)
            .AddTimeout(TimeoutFor(envelopeBytes))
            .Build();
    }

    /// <summary>A circuit breaker to build once per run and pass to every <see cref="Build"/>: a strategy's
    /// state lives in its pipeline, so sharing the pipeline shares what it has seen.</summary>
    public ResiliencePipeline<HttpResponseMessage> Breaker() => new ResiliencePipelineBuilder<HttpResponseMessage>()
        .AddCircuitBreaker(BreakerOptions())
        .Build();

    CircuitBreakerStrategyOptions<HttpResponseMessage> BreakerOptions() => new()
    {
        ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<IOException>()
            .Handle<SocketException>()
            .Handle<TimeoutRejectedException>()
            .HandleResult(r => (int)r.StatusCode >= 500),
        FailureRatio = 1.0,
        // Enough failures in a row that a dropping line does not trip it, few enough that a dead server does.
        MinimumThroughput = Math.Max(2, MaxAttempts * 2),
        SamplingDuration = TimeSpan.FromMinutes(10),
        BreakDuration = TimeSpan.FromMinutes(5),
    };

    /// <summary>5xx, 429, 408 and 403 (proof of work expired or spent: each attempt fetches a fresh
    /// challenge) are worth another try, unless the server asks for a longer pause than
    /// is worth waiting for in the foreground: then the report stays queued for a later <c>report send</c>.</summary>
    public static bool IsTransient(HttpResponseMessage response) =>
        ((int)response.StatusCode >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout or HttpStatusCode.Forbidden)
        && !(RequestedWait(response) > LongestRetryAfter);

    /// <summary>Retry-After in seconds or as a date; null lets the exponential backoff decide.</summary>
    static TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        var wait = response is null ? null : RequestedWait(response);
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    static TimeSpan? RequestedWait(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        return header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
    }

    public static string Describe(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        null => $"HTTP {(int)outcome.Result!.StatusCode}",
        TimeoutRejectedException => "timed out",
        HttpRequestException { InnerException: { } inner } => inner.Message,
        { } e => e.Message,
    };
}
