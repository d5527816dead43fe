namespace Reporting.Format.Bundles;

/// <summary>An attachment as report.json describes it.</summary>
/// <param name="Sha256">Lowercase hex.</param>
/// <param name="Scrubbed">True when metadata was removed by re-encoding.</param>
public sealed record ReportAttachment(string Name, long Size, string Sha256, string MediaType, bool Scrubbed);

/// <summary>Where a reviewer may answer: the reply recipient (<c>age1…</c>) and the mailbox key (<c>reportmailbox1…</c>).</summary>
public sealed record ReplyAddress(string Recipient, string Mailbox);

/// <summary>The content of report.json, the first entry of a bundle.</summary>
public sealed record ReportDocument
{
    public const int CurrentSchema = 1;
    public int Schema { get; init; } = CurrentSchema;
    /// <summary>One of <see cref="Categories"/>.</summary>
    public required string Category { get; init; }
    /// <summary>A coarse place: a province or prefecture, never an address.</summary>
    public string? Region { get; init; }
    /// <summary>Approximate time as the source gave it, e.g. "2023-02" or "early February 2023".</summary>
    public string? When { get; init; }
    /// <summary>The language the source wrote in (en, ko, zh).</summary>
    public required string Language { get; init; }
    public required string Text { get; init; }
    public IReadOnlyList<ReportAttachment> Attachments { get; init; } = [];
    public ReplyAddress? Reply { get; init; }

    public static readonly IReadOnlyList<string> Categories =
        ["illness", "death", "arrest", "forced-return", "needs-help", "other"];
}
