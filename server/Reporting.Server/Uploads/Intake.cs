using Microsoft.Extensions.Options;

namespace Reporting.Server.Uploads;

/// <summary>How the two upload routes take a body, with the limits the operator set: an envelope (a
/// submission) up to Reporting:MaxEnvelopeBytes, once room for it is reserved on the volume; a reply up to
/// Reporting:MaxReplyBytes, hashed for the signature over it. What is kept is stamped with the day it
/// arrived and the day retention deletes it (D13).</summary>
public sealed class Intake(IOptions<ReportingOptions> options, UploadSpace space, TimeProvider clock)
{
    /// <summary>Lets Kestrel take, or drain, an envelope's worth of body (<see cref="BodyLimits.AllowUpTo"/>):
    /// for a submission that has shown a solved challenge, so that any refusal from then on reaches the client.</summary>
    public void AllowEnvelope(HttpContext context) => BodyLimits.AllowUpTo(context, options.Value.MaxEnvelopeBytes);

    /// <summary>Room for the envelope this request declares (<see cref="UploadSpace"/>): null when there is none.</summary>
    public IDisposable? TryReserveRoom(HttpContext context) =>
        space.TryReserve(context.Request.ContentLength ?? options.Value.MaxEnvelopeBytes);

    /// <summary>With its SHA-256: the receipt covers the envelope (docs/DESIGN.md D3).</summary>
    public Task<BodyReceipt> ReceiveEnvelopeAsync(HttpContext context) =>
        IncomingBody.ReceiveAsync(context, options.Value.DataDir, options.Value.MaxEnvelopeBytes, hash: true);

    /// <summary>With its SHA-256: the request's signature covers the body.</summary>
    public Task<BodyReceipt> ReceiveReplyAsync(HttpContext context) =>
        IncomingBody.ReceiveAsync(context, options.Value.DataDir, options.Value.MaxReplyBytes, hash: true);

    /// <summary>The day an upload is kept under (a day, never a time: D6) and the day it expires.</summary>
    public (DateOnly Day, DateOnly Expires) Stamp()
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        return (today, today.AddDays(options.Value.RetentionDays));
    }
}
