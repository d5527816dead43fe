using System.Text.Json.Serialization;

namespace Reporting.Report.Home;

/// <summary>What <c>report init</c> pins: the server, the organisation key, the channel and the language.
/// Public settings only; nothing here identifies the user or a report.</summary>
sealed record ReportConfig
{
    public required string Server { get; init; }
    /// <summary>The organisation's public key (<c>reportorg1…</c>) every roster must be signed with.</summary>
    public required string Organisation { get; init; }
    public string? Proxy { get; init; }
    public string? Language { get; init; }
    /// <summary>The highest roster version seen: an older one is a rollback and refused.</summary>
    public int RosterVersion { get; init; }

}

/// <summary>How the home's files (config.json, the outbox's descriptions) are written: source-generated,
/// so the tool needs no reflection (trimmed and Native AOT builds).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(ReportConfig))]
[JsonSerializable(typeof(Outbox.OutboxEntry))]
sealed partial class HomeJson : JsonSerializerContext;
