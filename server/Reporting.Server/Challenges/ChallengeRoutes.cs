using Microsoft.AspNetCore.Http.HttpResults;
using Reporting.Format.Protocol;

namespace Reporting.Server.Challenges;

public static class ChallengeRoutes
{
    public static RouteGroupBuilder MapChallenges(this IEndpointRouteBuilder routes)
    {
        // No rate-limit bucket: whoever empties a shared bucket denies every source a challenge, and issuing one
        // costs less than the request for it (PowTokens). The global concurrency limit and Kestrel's connection
        // limits are in front, as for any request.
        var group = routes.MapGroup(Routes.Challenges).WithTags("Submission");
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
