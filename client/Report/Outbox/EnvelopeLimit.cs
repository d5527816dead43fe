using Reporting.Format.Bundles;
using Reporting.Format.Rosters;
using Reporting.Report.Text;

namespace Reporting.Report.Outbox;

/// <summary>The server's largest envelope (PROTOCOL.md "Limits") held against a report before it is sealed: a
/// report that cannot pass is refused while the source can still change it, never sealed, queued and refused.</summary>
sealed class EnvelopeLimit(Roster roster, long? maxBytes)
{
    /// <summary>Why this report would be too large, in the source's language and units; null when it fits, or
    /// when the server never said its limit (it is then sealed as before).</summary>
    public string? Problem(ReportDocument document, IReadOnlyList<AttachmentSource> attachments)
    {
        if (maxBytes is not { } max)
            return null;
        var size = EnvelopeSize.Of(document, attachments, Sealer.Recipients(roster));
        return size > max ? UiText.Format("ReportTooLarge", UiText.Size(size, roundUp: true), UiText.Size(max, roundUp: false)) : null;
    }
}
