using Microsoft.Extensions.Options;

namespace Reporting.Server.Uploads;

/// <summary>How the two upload routes take a body, with the limits the operator set: an envelope (a
/// submission) up to Reporting:MaxEnvelopeBytes, in one of Reporting:MaxConcurrentUploads slots, once room for
/// it is reserved on the volume; a reply up to Reporting:MaxReplyBytes, in a slot of the replies' own, hashed
/// for the signature over it. Both keep the upload pace (<see cref="UploadTimer"/>). What is kept is stamped
/// with the day it arrived and the day retention deletes it (D13).</summary>
public sealed class Intake(IOptions<ReportingOptions> options, UploadSpace space, ISpoolSpace spool, TimeProvider clock) : IDisposable
{
    /// <summary>Replies come only from reviewers, whose signatures are verified before a slot is taken: a few
    /// pushing answers at once is all there ever is.</summary>
    const int ReplySlots = 8;

    readonly UploadSlots _envelopeSlots = new(options.Value.MaxConcurrentUploads, UploadSlots.KeptForSmall(options.Value.MaxConcurrentUploads));
    readonly UploadSlots _replySlots = new(ReplySlots, keptForSmall: 0);

    TimeSpan Grace => TimeSpan.FromSeconds(options.Value.UploadGraceSeconds);

    /// <summary>Whether the request declares its length: uploads must (a chunked body gets 411), so that the work,
    /// the slot, the room and the deadline can all be judged before a byte of it is read.</summary>
    public static bool DeclaresLength(HttpContext context) => context.Request.ContentLength is not null;

    public long MaxEnvelopeBytes => options.Value.MaxEnvelopeBytes;

    public long MaxReplyBytes => options.Value.MaxReplyBytes;

    /// <summary>Lets Kestrel take, or drain, an envelope's worth of body (<see cref="BodyLimits.AllowUpTo"/>):
    /// for a submission that has shown a solved challenge, so that any refusal from then on reaches the client.</summary>
    public void AllowEnvelope(HttpContext context) => BodyLimits.AllowUpTo(context, options.Value.MaxEnvelopeBytes);

    /// <summary>An upload slot for the envelope this request declares, one per solved challenge (<paramref name="tokenId"/>),
    /// in line or uploading (<see cref="UploadSlots"/>).</summary>
    public Task<SlotOutcome> TakeEnvelopeSlotAsync(HttpContext context, string tokenId) =>
        _envelopeSlots.TakeAsync(context.Request.ContentLength!.Value, tokenId, context.RequestAborted);

    public Task<SlotOutcome> TakeReplySlotAsync(HttpContext context) =>
        _replySlots.TakeAsync(context.Request.ContentLength!.Value, holder: null, context.RequestAborted);

    /// <summary>Room for the envelope this request declares (<see cref="UploadSpace"/>): null when there is none.</summary>
    public IDisposable? TryReserveRoom(HttpContext context) => space.TryReserve(context.Request.ContentLength!.Value);

    /// <summary>With its SHA-256: the receipt covers the envelope (docs/DESIGN.md D3).</summary>
    public Task<BodyReceipt> ReceiveEnvelopeAsync(HttpContext context) =>
        IncomingBody.ReceiveAsync(context, spool, options.Value.MaxEnvelopeBytes, Grace, hash: true);

    /// <summary>With its SHA-256: the request's signature declared it.</summary>
    public Task<BodyReceipt> ReceiveReplyAsync(HttpContext context) =>
        IncomingBody.ReceiveAsync(context, spool, options.Value.MaxReplyBytes, Grace, hash: true);

    /// <summary>The day an upload is kept under (a day, never a time: D6) and the day it expires.</summary>
    public (DateOnly Day, DateOnly Expires) Stamp()
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        return (today, today.AddDays(options.Value.RetentionDays));
    }

    public void Dispose()
    {
        _envelopeSlots.Dispose();
        _replySlots.Dispose();
    }
}
