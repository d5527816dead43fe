using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Reporting.Format.Protocol;
using Reporting.Server.Uploads;

namespace Reporting.Server.Hardening;

/// <summary>Every refusal the routes give, as RFC 9457 problem details with generic text: enough for an
/// honest client to know what to do, nothing about the server's internals or other users.</summary>
public static class Problems
{
    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "The request is not well formed.");

    public static ProblemHttpResult ProofOfWorkRequired() =>
        TypedResults.Problem($"Request a new challenge at {Routes.Challenges}, solve it, and send the solution in the {SubmissionHeaders.Pow} header.",
            statusCode: StatusCodes.Status403Forbidden, title: "A valid, unused proof of work is required.");

    public static ProblemHttpResult NotSigned() =>
        TypedResults.Problem("Sign the request with a key that may use this route; check the clock.",
            statusCode: StatusCodes.Status401Unauthorized, title: "The request signature is not accepted.");

    public static ProblemHttpResult RosterNotAccepted() =>
        TypedResults.Problem($"Fetch the current roster from {Routes.Roster} and seal the report again.",
            statusCode: StatusCodes.Status409Conflict, title: "The roster version is not accepted.");

    /// <summary>503 while the roster in force has expired: temporary for the source (an envelope sealed while it
    /// was valid is accepted once a new version is served, within its grace period), so it stays queued.</summary>
    public static ProblemHttpResult RosterExpired(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "3600";
        return TypedResults.Problem("The server has no valid roster now; nothing was kept. Try again later.",
            statusCode: StatusCodes.Status503ServiceUnavailable, title: "No valid roster.");
    }

    public static ProblemHttpResult NotAnEnvelope(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: "The envelope is not acceptable.");

    /// <summary>A body that was not received (<see cref="BodyReceipt.TooLarge"/>, <see cref="BodyReceipt.TooSlow"/>
    /// or <see cref="BodyReceipt.Incomplete"/>).</summary>
    public static ProblemHttpResult BodyRefused(BodyReceipt receipt) => receipt switch
    {
        BodyReceipt.TooLarge => TypedResults.Problem("The body exceeds this server's size limit.",
            statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large."),
        BodyReceipt.TooSlow => TypedResults.Problem(
            $"The body fell behind {UploadPace.SlowestBytesPerSecond / 1024} KiB/s; nothing was kept. Send it again with a new challenge.",
            statusCode: StatusCodes.Status408RequestTimeout, title: "The body arrived too slowly."),
        _ => TypedResults.Problem("The body ended early; nothing was kept. Send it again.",
            statusCode: StatusCodes.Status400BadRequest, title: "The body was not received whole."),
    };

    /// <summary>411: an upload must declare its length, so that its work, slot, room and deadline are judged
    /// before its body is read.</summary>
    public static ProblemHttpResult LengthRequired() =>
        TypedResults.Problem("Send the body with a Content-Length header, not chunked.",
            statusCode: StatusCodes.Status411LengthRequired, title: "A declared length is required.");

    /// <summary>Space comes back when an operator acts, reviewers delete or retention runs (hourly), not
    /// within seconds; a minute keeps honest retries from hammering a full server. It is longer than a client
    /// waits in the foreground (30 s), so the source's report stays queued at once, for a later send.</summary>
    const string NoSpaceRetrySeconds = "60";

    /// <summary>503 with Retry-After: the storage is full, or an upload would eat into its reserve.</summary>
    public static ProblemHttpResult NoSpace(HttpContext context)
    {
        context.Response.Headers.RetryAfter = NoSpaceRetrySeconds;
        return TypedResults.Problem(NoSpaceDetail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "The server is busy.");
    }

    const string NoSpaceDetail = "The server cannot take this upload now; nothing of it was kept. Try again later.";

    /// <summary>Whether a problem is <see cref="NoSpace"/>'s, which keeps its own words; any other 5xx gets generic ones.</summary>
    public static bool IsNoSpace(ProblemDetails problem) =>
        problem.Status == StatusCodes.Status503ServiceUnavailable && problem.Detail == NoSpaceDetail;

    /// <summary>429 with Retry-After: a rate limit or concurrency limit is full.</summary>
    public static ProblemHttpResult Busy(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "1";
        return TypedResults.Problem("Try again shortly.", statusCode: StatusCodes.Status429TooManyRequests, title: "The server is busy.");
    }

    public static ProblemHttpResult NotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.");
}
