using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Reporting.Format.Rosters;

/// <summary>How roster files and roster entries are read and written. Strict on purpose: the bytes
/// are signed, so anything the reader does not understand is refused rather than guessed at
/// (no comments, trailing commas, duplicate or unknown members, numbers in strings, missing members).
/// A new member therefore needs a new roster version marker, as PROTOCOL.md requires of any change.</summary>
static class RosterJson
{
    /// <summary>As signed and served: compact.</summary>
    public static readonly RosterJsonContext Compact = new(Create(indented: false));

    /// <summary>As written for people to read (entry files, the outer roster file).</summary>
    public static readonly RosterJsonContext Indented = new(Create(indented: true));

    // Source-generated (no reflection), so the tools stay trim- and Native-AOT-clean; the options still
    // carry the strictness, which the generated metadata honours.
    static JsonSerializerOptions Create(bool indented) => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = false,
        NumberHandling = JsonNumberHandling.Strict,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        AllowDuplicateProperties = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        MaxDepth = 8,
        // Base64's '+' written plainly rather than as \u002B: these files are never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = indented,
    };

    /// <summary>The outer file: the payload's exact bytes and the signature over them.</summary>
    public sealed record SignedFile(string Payload, string? Signature = null);
}

[JsonSerializable(typeof(Roster))]
[JsonSerializable(typeof(RosterEntry))]
[JsonSerializable(typeof(RosterJson.SignedFile))]
[JsonSerializable(typeof(Freshness))]
sealed partial class RosterJsonContext : JsonSerializerContext;
