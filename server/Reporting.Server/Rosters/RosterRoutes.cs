using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Reporting.Format.Protocol;
using Reporting.Server.Hardening;

namespace Reporting.Server.Rosters;

public static class RosterRoutes
{
    public static RouteGroupBuilder MapRoster(this IEndpointRouteBuilder routes)
    {
        // No rate-limit bucket: a source needs the roster to seal, serving it is bytes from memory, and a bucket
        // anyone could empty would keep sources out (RateLimits).
        var group = routes.MapGroup("").WithTags("Roster");
        group.MapGet(Routes.Roster, Current)
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .WithSummary("The current signed roster, byte for byte as the organisation signed it, with the server's limits as headers");
        group.MapGet(Routes.RosterFreshness, Freshness)
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .WithSummary("The reviewers' signed statement that the current roster is current, when the roster asks for one");
        group.MapGet(Routes.Rosters + "/{version:int}", ByVersion)
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .WithSummary("An earlier roster this server served, by version");
        return group;
    }

    static Results<FileContentHttpResult, ProblemHttpResult> Current(RosterBook roster, IOptions<ReportingOptions> options, HttpContext context)
    {
        if (roster.CurrentExpired)
            return Problems.RosterExpired(context);
        // Beside the roster, which every source fetches before sealing: the limit is known before a report is sealed.
        context.Response.Headers[LimitHeaders.MaxEnvelopeBytes] = options.Value.MaxEnvelopeBytes.ToString(CultureInfo.InvariantCulture);
        return TypedResults.File(roster.Current.FileBytes, "application/json");
    }

    /// <summary>Served even once lapsed: a client then says why it refuses, instead of that nothing was there.</summary>
    static Results<FileContentHttpResult, ProblemHttpResult> Freshness(RosterFreshness freshness) =>
        freshness.Current is { } statement ? TypedResults.File(statement.FileBytes, "application/json") : Problems.NotFound();

    static Results<FileContentHttpResult, ProblemHttpResult> ByVersion(int version, RosterBook roster) =>
        roster.FileOf(version) is { } file ? TypedResults.File(file, "application/json") : Problems.NotFound();
}
