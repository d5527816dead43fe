using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Reporting.Format.Keys;

namespace Reporting.Server.Hardening;

/// <summary>Server-wide limits (D7). Never per address: behind Tor every source arrives from the same
/// one, and keying on addresses would mean holding them. Each policy has a single partition. No route a
/// source needs (challenge, roster, submission) has a token bucket: a bucket that is free to take from is
/// emptied by whoever floods it, and then refuses every source. Submissions and replies take an upload slot
/// once they have shown what they paid (Uploads.UploadSlots); signed requests are charged to a bucket only
/// once their signature verifies (SignerBuckets).</summary>
public static class RateLimits
{
    /// <summary>The OpenAPI document, built per request and needed by nobody who submits.</summary>
    public const string Reads = "reads";

    /// <summary>Requests in progress at once across every route: a flood queues or is refused with 429
    /// instead of exhausting threads and memory. Cheap requests hold a permit for microseconds; the slow
    /// ones (uploads) are bounded by their own slots.</summary>
    const int GlobalConcurrency = 512;

    public static IServiceCollection AddReportingRateLimits(this IServiceCollection services)
    {
        return services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(_ =>
                RateLimitPartition.GetConcurrencyLimiter("all", _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = GlobalConcurrency,
                    QueueLimit = GlobalConcurrency,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                }));
            limiter.AddPolicy(Reads, _ => RateLimitPartition.GetTokenBucketLimiter("all", _ => Bucket(200)));
            limiter.OnRejected = (context, _) => new ValueTask(Problems.Busy(context.HttpContext).ExecuteAsync(context.HttpContext));
        });
    }

    internal static TokenBucketRateLimiterOptions Bucket(int perSecond) => new()
    {
        TokenLimit = perSecond * 10,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}

/// <summary>The reviewers' and the mailboxes' buckets, charged by <see cref="SignedRequests.SignedRequestCheck"/>
/// only after a request's signature verifies: garbage, unknown keys and bad signatures are refused (401) without
/// spending a token, so a flood of them cannot make reviewers wait; it meets the global concurrency limit instead.
/// Mailbox keys cost nothing to make, so validly signed mailbox polling has a bucket of its own and cannot starve
/// reviewers either.</summary>
public sealed class SignerBuckets(IOptions<ReportingOptions> options) : IDisposable
{
    readonly TokenBucketRateLimiter reviewers = new(RateLimits.Bucket(options.Value.SignedRequestsPerSecond));
    readonly TokenBucketRateLimiter mailboxes = new(RateLimits.Bucket(options.Value.SignedRequestsPerSecond));

    /// <summary>Takes a token from the bucket of this kind of key; false when it is empty.</summary>
    public bool TryCharge(SigningKeyKind kind)
    {
        using var lease = (kind == SigningKeyKind.Mailbox ? mailboxes : reviewers).AttemptAcquire();
        return lease.IsAcquired;
    }

    public void Dispose()
    {
        reviewers.Dispose();
        mailboxes.Dispose();
    }
}
