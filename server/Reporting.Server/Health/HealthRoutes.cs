using Microsoft.AspNetCore.Http.HttpResults;
using Reporting.Format.Protocol;
using Reporting.Server.Hardening;

namespace Reporting.Server.Health;

public static class HealthRoutes
{
    public static RouteGroupBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(Routes.Health).WithTags("Health").RequireRateLimiting(RateLimits.Reads);
        // Says only that the process answers: nothing about counts, versions or storage.
        group.MapGet("", () => TypedResults.Ok(new HealthStatus("ok"))).WithSummary("Liveness");
        return group;
    }
}
