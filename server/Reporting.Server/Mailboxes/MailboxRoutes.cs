using Microsoft.AspNetCore.Http.HttpResults;
using Reporting.Format.Keys;
using Reporting.Format.Protocol;
using Reporting.Server.Hardening;
using Reporting.Server.Reports;
using Reporting.Server.SignedRequests;
using Reporting.Server.Storage;
using Reporting.Server.Uploads;

namespace Reporting.Server.Mailboxes;

/// <summary>Replies (D5): a reviewer posts a sealed answer for a mailbox key; only whoever proves that key
/// (a source holding the codename) lists, fetches and deletes them. The server never learns which
/// report a mailbox belongs to.</summary>
public static class MailboxRoutes
{
    /// <summary>Replies are sealed to the source's reply recipient and the replying reviewer's own.</summary>
    const int MinReplyStanzas = 1, MaxReplyStanzas = 2;

    public static RouteGroupBuilder MapMailboxes(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(Routes.Replies("{mailbox}")).ExcludeFromDescription();
        // Signed by an access key, verified before a byte of the body is read; then a reply slot of its own (Intake).
        group.MapPost("", Post);
        // Signed by the mailbox key; charged to the mailboxes' bucket once the signature verifies (SignerBuckets).
        group.MapGet("", List);
        group.MapGet("{id}", Download);
        group.MapDelete("{id}", Delete);
        return group;
    }

    static async Task<Results<Created<PostedReply>, ProblemHttpResult>> Post(
        string mailbox, HttpContext context, SignedRequestCheck check, IReportStore store, Intake intake)
    {
        if (!Intake.DeclaresLength(context))
            return Problems.LengthRequired();
        if (await check.CheckAsync(context, new Signer.Reviewer()) is { } refusal)
            return refusal;
        if (ParseMailbox(mailbox) is not { } key)
            return Problems.BadRequest("The mailbox is not a reportmailbox1… key.");
        if (context.Request.ContentLength > intake.MaxReplyBytes)
            return Problems.BodyRefused(new BodyReceipt.TooLarge());
        if (await intake.TakeReplySlotAsync(context) is not SlotOutcome.Taken(var slot))
            return Problems.Busy(context);
        using var _ = slot;
        var receipt = await intake.ReceiveReplyAsync(context);
        if (receipt is not BodyReceipt.Whole(var body))
            return Problems.BodyRefused(receipt);
        using (body)
        {
            // The signature declared this hash; a body that differs is not what the reviewer signed.
            if (!SignedRequestCheck.IsDeclaredBody(context, body.Sha256!))
                return Problems.NotSigned();
            // The server cannot tell which kind of report a mailbox answers: either kind, but not a mix.
            if (EnvelopeShape.Check(body.Content, body.Length, MinReplyStanzas, MaxReplyStanzas, kind: null) != ShapeProblem.None)
                return Problems.NotAnEnvelope("A reply is a binary age file sealed to recipients of one kind (mlkem768x25519 or X25519).");
            var (day, expires) = intake.Stamp();
            var reply = new NewReply(RandomId.New(), key.ToString(), day, body.Length, expires, body.Sha256!);
            var id = await store.AddReplyAsync(reply, body.Content, CancellationToken.None);
            return TypedResults.Created((string?)null, new PostedReply(id));
        }
    }

    static async Task<Results<Ok<ReplyList>, ProblemHttpResult>> List(string mailbox, HttpContext context, SignedRequestCheck check, IReportStore store)
    {
        if (ParseMailbox(mailbox) is not { } key)
            return Problems.NotSigned();
        if (await check.CheckAsync(context, new Signer.MailboxOwner(key)) is { } refusal)
            return refusal;
        var replies = await store.ListRepliesAsync(key.ToString(), context.RequestAborted);
        return TypedResults.Ok(new ReplyList([.. replies.Select(r => new ListedReply(r.Id, WireDay.Of(r.Day), r.Size))]));
    }

    static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Download(string mailbox, string id, HttpContext context, SignedRequestCheck check, IReportStore store)
    {
        if (ParseMailbox(mailbox) is not { } key)
            return Problems.NotSigned();
        if (await check.CheckAsync(context, new Signer.MailboxOwner(key)) is { } refusal)
            return refusal;
        if (!RandomId.IsValid(id) || await store.OpenReplyAsync(key.ToString(), id, context.RequestAborted) is not { } blob)
            return Problems.NotFound();
        context.Response.ContentLength = blob.Length;
        return TypedResults.Stream(blob.Content, "application/octet-stream");
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(string mailbox, string id, HttpContext context, SignedRequestCheck check, IReportStore store)
    {
        if (ParseMailbox(mailbox) is not { } key)
            return Problems.NotSigned();
        if (await check.CheckAsync(context, new Signer.MailboxOwner(key)) is { } refusal)
            return refusal;
        return RandomId.IsValid(id) && await store.DeleteReplyAsync(key.ToString(), id, CancellationToken.None)
            ? TypedResults.NoContent()
            : Problems.NotFound();
    }

    static PublicSigningKey? ParseMailbox(string mailbox) =>
        mailbox.Length <= 128 && PublicSigningKey.TryParse(mailbox, out var key) && key is { Kind: SigningKeyKind.Mailbox } ? key : null;
}
