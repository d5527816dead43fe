using Microsoft.AspNetCore.Http.HttpResults;
using Reporting.Format.Protocol;

namespace Reporting.Server.Health;

public static class HealthRoutes
{
    public static RouteGroupBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        // No bucket: costs nothing, and a monitor must not see the service down because someone emptied one.
        var group = routes.MapGroup(Routes.Health).WithTags("Health");
        // Says only that the process answers: nothing about counts, versions or storage.
        group.MapGet("", () => TypedResults.Ok(new HealthStatus("ok"))).WithSummary("Liveness");
        return group;
    }
}
