using Microsoft.AspNetCore.Http.HttpResults;
using Reporting.Server.Hardening;

namespace Reporting.Server.Health;

public sealed record HealthStatus(string Status);

public static class HealthRoutes
{
    public static RouteGroupBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/healthz").WithTags("Health").RequireRateLimiting(RateLimits.Reads);
        // Says only that the process answers: nothing about counts, versions or storage.
        group.MapGet("", () => TypedResults.Ok(new HealthStatus("ok"))).WithSummary("Liveness");
        return group;
    }
}
