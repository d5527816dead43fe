using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Reporting.Format.Age;
using Reporting.Format.Protocol;
using Reporting.Server.Challenges;
using Reporting.Server.Hardening;
using Reporting.Server.Rosters;
using Reporting.Server.SignedRequests;
using Reporting.Server.Storage;
using Reporting.Server.Uploads;

namespace Reporting.Server.Reports;

/// <summary>Sources submit envelopes (public, proof of work); reviewers list, download and delete them
/// (signed with an access key).</summary>
public static class ReportRoutes
{
    public static RouteGroupBuilder MapReports(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(Routes.Reports);
        // No rate-limit policy: a submission takes an upload slot once its proof of work checks (Intake).
        group.MapPost("", Submit)
            .Accepts<Stream>("application/octet-stream")
            .WithTags("Submission")
            .WithSummary($"Submit an age envelope sealed to the roster (headers {SubmissionHeaders.Pow}, {SubmissionHeaders.RosterVersion}, {SubmissionHeaders.IdempotencyKey})");
        // Signed by an access key; charged to the reviewers' bucket once the signature verifies (SignerBuckets).
        group.MapGet("", List).ExcludeFromDescription();
        group.MapGet("{id}", Download).ExcludeFromDescription();
        group.MapDelete("{id}", Delete).ExcludeFromDescription();
        return group;
    }

    static async Task<Results<Created<SubmittedReport>, ProblemHttpResult>> Submit(
        HttpContext context, PowTokens pow, RosterBook roster, IReportStore store, Intake intake, ReceiptKey receipts)
    {
        // Cheap checks first: a request without a solved, unspent challenge for the length it declares costs us no
        // slot, no disk and no parsing, and Kestrel cuts its body at the default limit rather than draining up to an
        // envelope's size.
        var headers = context.Request.Headers;
        if (!Intake.DeclaresLength(context))
            return Problems.LengthRequired();
        if (context.Request.ContentLength > intake.MaxEnvelopeBytes)
            return Problems.BodyRefused(new BodyReceipt.TooLarge());
        if (SingleHeader(headers, SubmissionHeaders.IdempotencyKey) is not { } idempotencyKey || !RequestSignature.IsValidNonce(idempotencyKey))
            return Problems.BadRequest($"Send an {SubmissionHeaders.IdempotencyKey} header of 16 to 64 base64url characters.");
        if (!int.TryParse(SingleHeader(headers, SubmissionHeaders.RosterVersion), NumberStyles.None, CultureInfo.InvariantCulture, out var rosterVersion))
            return Problems.BadRequest($"Send the roster version the envelope was sealed to in the {SubmissionHeaders.RosterVersion} header.");
        if (pow.Check(SingleHeader(headers, SubmissionHeaders.Pow), context.Request.ContentLength!.Value) is not { } ticket)
            return Problems.ProofOfWorkRequired();
        // From here on a refusal answers a solved challenge: let Kestrel drain the unread body (a few seconds at
        // most) so the client reads it, e.g. a 503 for a full disk, instead of a connection cut under its upload.
        intake.AllowEnvelope(context);

        // A retry after a lost answer gets the first answer, whatever its token (D8).
        var keyHash = SHA256.HashData(Encoding.ASCII.GetBytes(idempotencyKey));
        var lookup = await store.LookUpSubmissionAsync(keyHash, ticket.TokenId);
        if (lookup.EarlierId is { } earlier)
            return await AgainAsync(earlier, store, receipts);
        if (lookup.TokenSpent)
            return Problems.ProofOfWorkRequired();
        if (roster.CurrentExpired)
            return Problems.RosterExpired(context);
        if (roster.ReviewersIfAccepted(rosterVersion) is not { } reviewers)
            return Problems.RosterNotAccepted();
        // A slot, held until the body is whole or falls behind the upload pace; one per token, even in line.
        var outcome = await intake.TakeEnvelopeSlotAsync(context, ticket.TokenId);
        if (outcome is SlotOutcome.AlreadyInLine)
            return Problems.ProofOfWorkRequired();
        if (outcome is not SlotOutcome.Taken(var slot))
            return Problems.Busy(context);
        using var _ = slot;
        // One upload per token at a time across instances, and an upload refused for what it is spends its token:
        // a solved challenge buys one attempt at storing one report, not a stream of uploads. A refusal for the
        // server's own state (no space) keeps the token, so the source can come back with it.
        using var room = intake.TryReserveRoom(context);
        if (room is null)
            return Problems.NoSpace(context);
        if (await store.TryClaimTokenAsync(ticket.TokenId) is not { } claim)
            return Problems.ProofOfWorkRequired();
        await using (claim)
        {
            var receipt = await intake.ReceiveEnvelopeAsync(context);
            if (receipt is not BodyReceipt.Whole(var body))
            {
                await store.SpendTokenAsync(ticket.TokenId, ticket.ExpiresDay, CancellationToken.None);
                return Problems.BodyRefused(receipt);
            }
            using (body)
            {
                var problem = EnvelopeShape.Check(body.Content, body.Length, reviewers.Count, AgeKeys.KindOf(reviewers[0].Recipient));
                if (problem != ShapeProblem.None)
                {
                    await store.SpendTokenAsync(ticket.TokenId, ticket.ExpiresDay, CancellationToken.None);
                    return Problems.NotAnEnvelope(Explain(problem));
                }
                var (day, expires) = intake.Stamp();
                var report = new NewReport(RandomId.New(), day, body.Length, rosterVersion, expires, keyHash, ticket.TokenId, ticket.ExpiresDay);
                // Not cancelled by the client going away: the body is whole, so keep it and let a retry find it.
                var result = await store.AddReportAsync(report, body.Content, CancellationToken.None);
                return result.Outcome == AddOutcome.TokenSpent ? Problems.ProofOfWorkRequired() : Created(receipts.Issue(result.Id, body.Sha256));
            }
        }
    }

    static async Task<Results<Ok<ReportList>, ProblemHttpResult>> List(HttpContext context, SignedRequestCheck check, IReportStore store)
    {
        if (await check.CheckAsync(context, new Signer.Reviewer()) is { } refusal)
            return refusal;
        var reports = await store.ListReportsAsync(context.RequestAborted);
        return TypedResults.Ok(new ReportList([.. reports.Select(r => new ListedReport(r.Id, WireDay.Of(r.Day), r.Size, r.RosterVersion))]));
    }

    static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Download(string id, HttpContext context, SignedRequestCheck check, IReportStore store)
    {
        if (await check.CheckAsync(context, new Signer.Reviewer()) is { } refusal)
            return refusal;
        if (!RandomId.IsValid(id) || await store.OpenReportAsync(id, context.RequestAborted) is not { } blob)
            return Problems.NotFound();
        context.Response.ContentLength = blob.Length;
        return TypedResults.Stream(blob.Content, "application/octet-stream");
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(string id, HttpContext context, SignedRequestCheck check, IReportStore store)
    {
        if (await check.CheckAsync(context, new Signer.Reviewer()) is { } refusal)
            return refusal;
        return RandomId.IsValid(id) && await store.DeleteReportAsync(id, CancellationToken.None)
            ? TypedResults.NoContent()
            : Problems.NotFound();
    }

    static Created<SubmittedReport> Created(SubmittedReport answer) => TypedResults.Created((string?)null, answer);

    /// <summary>The first answer again, for a retry after a lost one: its receipt covers the envelope as stored
    /// (read and hashed again; a retry is rare). Without the stored bytes (deleted meanwhile) no receipt can be given.</summary>
    static async Task<Created<SubmittedReport>> AgainAsync(string earlier, IReportStore store, ReceiptKey receipts)
    {
        using var stored = await store.OpenReportAsync(earlier);
        if (stored is null)
            return Created(new SubmittedReport(earlier));
        return Created(receipts.Issue(earlier, await SHA256.HashDataAsync(stored.Content)));
    }

    static string Explain(ShapeProblem problem) => problem switch
    {
        ShapeProblem.MalformedHeader => "The body is not a binary age v1 file.",
        ShapeProblem.ForeignStanza => "Seal with recipients of the roster's kind only (mlkem768x25519 for a post-quantum roster, else X25519).",
        ShapeProblem.WrongStanzaCount => "Seal to exactly the reviewers of the roster version named.",
        _ => "The payload is incomplete.",
    };

    static string? SingleHeader(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;
}
