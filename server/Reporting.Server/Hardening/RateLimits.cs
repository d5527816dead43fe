using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Reporting.Server.Hardening;

/// <summary>Server-wide limits (D7). Never per address: behind Tor every source arrives from the same
/// one, and keying on addresses would mean holding them. Each policy has a single partition.</summary>
public static class RateLimits
{
    public const string Challenges = "challenges";
    public const string Uploads = "uploads";
    public const string Reviewers = "reviewers";
    public const string Mailboxes = "mailboxes";
    public const string Reads = "reads";

    /// <summary>Requests in progress at once across every route: a flood queues or is refused with 429
    /// instead of exhausting threads and memory.</summary>
    const int GlobalConcurrency = 512;

    public static IServiceCollection AddReportingRateLimits(this IServiceCollection services, ReportingOptions options)
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
            // Issuing a challenge costs a Data Protection operation; a burst allows a queue of outbox
            // retries arriving together.
            limiter.AddPolicy(Challenges, _ => RateLimitPartition.GetTokenBucketLimiter("all", _ => Bucket(options.ChallengesPerSecond)));
            // Uploads hold a temporary file and a connection for as long as the body takes over Tor.
            limiter.AddPolicy(Uploads, _ => RateLimitPartition.GetConcurrencyLimiter("all", _ => new ConcurrencyLimiterOptions
            {
                PermitLimit = options.MaxConcurrentUploads,
                QueueLimit = options.MaxConcurrentUploads * 4,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            }));
            // A few reviewers fetching and deleting. Charged before the signature is checked (one Ed25519
            // verification), so generous enough that garbage must come in hundreds a second to get in their way;
            // mailbox keys cost nothing to make, so sources polling mailboxes have a bucket of their own.
            limiter.AddPolicy(Reviewers, _ => RateLimitPartition.GetTokenBucketLimiter("all", _ => Bucket(200)));
            limiter.AddPolicy(Mailboxes, _ => RateLimitPartition.GetTokenBucketLimiter("all", _ => Bucket(200)));
            limiter.AddPolicy(Reads, _ => RateLimitPartition.GetTokenBucketLimiter("all", _ => Bucket(200)));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "1";
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "The server is busy.", Detail = "Try again shortly." },
                });
            };
        });
    }

    static TokenBucketRateLimiterOptions Bucket(int perSecond) => new()
    {
        TokenLimit = perSecond * 10,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
