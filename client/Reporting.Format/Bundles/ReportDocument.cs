using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace Reporting.Format.Bundles;

/// <summary>An attachment as report.json describes it.</summary>
/// <param name="Sha256">Lowercase hex.</param>
/// <param name="Scrubbed">True when metadata was removed by re-encoding.</param>
public sealed record ReportAttachment(string Name, long Size, string Sha256, string MediaType, bool Scrubbed);

/// <summary>Where a reviewer may answer: the reply recipient (<c>age1pq1…</c> when the report was sealed to a post-quantum
/// roster, else <c>age1…</c>) and the mailbox key (<c>reportmailbox1…</c>).</summary>
public sealed record ReplyAddress(string Recipient, string Mailbox);

/// <summary>The content of report.json, the first entry of a bundle.</summary>
public sealed record ReportDocument
{
    public const int CurrentSchema = 1;

    // The source-generated reader sets every init-only member, passing 0 or null for one the JSON left out;
    // these accessors keep the defaults a missing member has always meant (an explicit null is still refused).
    public int Schema { get; init => field = value == 0 ? CurrentSchema : value; } = CurrentSchema;
    /// <summary>One of <see cref="Categories"/>.</summary>
    public required string Category { get; init; }
    /// <summary>A coarse place: a province or prefecture, never an address.</summary>
    public string? Region { get; init; }
    /// <summary>Approximate time as the source gave it, e.g. "2023-02" or "early February 2023".</summary>
    public string? When { get; init; }
    /// <summary>The language the source wrote in (en, ko, zh).</summary>
    public required string Language { get; init; }
    public required string Text { get; init; }
    public IReadOnlyList<ReportAttachment> Attachments { get; init => field = value ?? []; } = [];
    public ReplyAddress? Reply { get; init; }

    public static readonly IReadOnlyList<string> Categories =
        ["illness", "death", "arrest", "forced-return", "needs-help", "other"];

    /// <summary>Strict: camelCase names, required fields present, no nulls where none belong, no duplicate
    /// property (two parsers could pick different ones), no comments or trailing commas, shallow nesting.
    /// Unknown properties are skipped so a newer client's additions do not make a report unreadable.</summary>
    static readonly ReportDocumentJson Strict = new(Create(indented: false));
    static readonly ReportDocumentJson StrictIndented = new(Create(indented: true));

    // Source-generated metadata (trim- and Native-AOT-clean) under these options.
    static JsonSerializerOptions Create(bool indented) => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        AllowDuplicateProperties = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        MaxDepth = 8,
        // Korean and Chinese stay readable (and three bytes, not six); HTML-sensitive and control characters are still escaped.
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        WriteIndented = indented,
    };

    /// <summary>Parses report.json. Throws <see cref="InvalidDataException"/> saying what is wrong.</summary>
    public static ReportDocument Parse(ReadOnlySpan<byte> utf8Json)
    {
        ReportDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(utf8Json, Strict.ReportDocument);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"report.json is not valid: {e.Message}", e);
        }
        if (document is null)
            throw new InvalidDataException("report.json is not valid: it is null");
        if (document.Attachments.Any(a => a is null))
            throw new InvalidDataException("report.json is not valid: an attachment entry is null");
        if (document.Schema != CurrentSchema)
            throw new InvalidDataException($"report.json has schema {document.Schema}; this tool reads schema {CurrentSchema}");
        return document;
    }

    /// <summary>UTF-8 JSON as it goes into a bundle (compact) or onto a reviewer's disk (indented).</summary>
    public byte[] ToJson(bool indented = false) =>
        JsonSerializer.SerializeToUtf8Bytes(this, (indented ? StrictIndented : Strict).ReportDocument);
}

[JsonSerializable(typeof(ReportDocument))]
sealed partial class ReportDocumentJson : JsonSerializerContext;
