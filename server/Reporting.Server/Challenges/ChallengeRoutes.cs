using Microsoft.AspNetCore.Http.HttpResults;
using Reporting.Format.Protocol;
using Reporting.Server.Hardening;

namespace Reporting.Server.Challenges;

public static class ChallengeRoutes
{
    public static RouteGroupBuilder MapChallenges(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(Routes.Challenges).WithTags("Submission").RequireRateLimiting(RateLimits.Challenges);
        group.MapPost("", Issue)
            .WithSummary("A proof-of-work challenge to solve before submitting a report");
        return group;
    }

    static Created<IssuedChallenge> Issue(PowTokens tokens)
    {
        var challenge = tokens.Issue();
        return TypedResults.Created((string?)null, challenge);
    }
}
