using System.Text.Json;
using System.Text.RegularExpressions;
using Reporting.Format.Age;
using Reporting.Format.Keys;

namespace Reporting.Format.Rosters;

/// <summary>One reviewer as the roster lists them.</summary>
/// <param name="Recipient">age recipient: post-quantum hybrid <c>age1pq1…</c> or X25519 <c>age1…</c>.</param>
/// <param name="AccessKey">Ed25519 access public key, <c>reportaccess1…</c>.</param>
public sealed partial record RosterEntry(string Name, string Recipient, string AccessKey)
{
    /// <summary>Names become file names (<c>NAME.identity</c>) and appear in reports' paths and logs:
    /// lowercase letters, digits, <c>-</c> and <c>_</c>, at most 32, starting with a letter or digit.</summary>
    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    /// <summary>Reads a <c>NAME.entry.json</c> as <c>review keygen</c> writes it; throws FormatException.</summary>
    public static RosterEntry Parse(ReadOnlySpan<byte> json)
    {
        RosterEntry? entry;
        try
        {
            entry = JsonSerializer.Deserialize(json, RosterJson.Compact.RosterEntry);
        }
        catch (JsonException e)
        {
            throw new FormatException($"not a roster entry: {e.Message}");
        }
        if (entry is null)
            throw new FormatException("not a roster entry: it is empty (null)");
        var problem = entry.Problem();
        return problem is null ? entry : throw new FormatException(problem);
    }

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, RosterJson.Indented.RosterEntry);

    /// <summary>What is wrong with this entry, or null.</summary>
    internal string? Problem()
    {
        if (!IsValidName(Name))
            return $"the reviewer name \"{Name}\" is not allowed: use 1 to 32 lowercase letters, digits, - or _";
        try
        {
            // One spelling per key: duplicates are found by comparing the text.
            if (AgeKeys.ParseRecipient(Recipient).ToString() != Recipient)
                return $"the recipient of {Name} is not written in lowercase";
        }
        catch (Exception e) when (e is AgeException or FormatException or ArgumentException)
        {
            return $"the recipient of {Name} is not a valid age1pq1… or age1… key";
        }
        if (!PublicSigningKey.TryParse(AccessKey, out var access) || access!.Kind != SigningKeyKind.Access)
            return $"the access key of {Name} is not a valid reportaccess1… key";
        if (access.ToString() != AccessKey)
            return $"the access key of {Name} is not written in lowercase";
        return null;
    }

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9_-]{0,31}\z")]
    private static partial Regex NamePattern();
}

/// <summary>Whom to encrypt to, and whose requests to honour.</summary>
/// <param name="ReceiptKey">The server's receipt key (<c>reportreceipt1…</c>), when the organisation lists one: a
/// client then believes a delivery only with a receipt it signed (docs/DESIGN.md D3). Absent from the file when null.</param>
/// <param name="FreshnessKey">The reviewers' freshness key (<c>reportfresh1…</c>), when the organisation lists one: a
/// client then seals to this roster only with a current statement it signed (<see cref="SignedFreshness"/>). Absent when null.</param>
/// <param name="FreshnessDays">How many days a freshness statement is good for at most, from the day it was made
/// (<see cref="DefaultFreshnessDays"/> when absent); only beside <paramref name="FreshnessKey"/>.</param>
public sealed record Roster(
    int Version,
    DateOnly Issued,
    DateOnly Expires,
    string Organisation,
    IReadOnlyList<RosterEntry> Reviewers,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    string? ReceiptKey = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    string? FreshnessKey = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    int? FreshnessDays = null)
{
    /// <summary>Two weeks, TUF's spirit with room for people: a frozen roster is believed at most this long after
    /// the reviewers last said it is current, and a missed renewal or two (a holiday, a broken cron) stops nothing.</summary>
    public const int DefaultFreshnessDays = 14;

    /// <summary>As long as a roster may last at most (review org sign --valid-days).</summary>
    public const int MaxFreshnessDays = 366;

    /// <summary>The bound in days a freshness statement is good for, or null when the roster lists no freshness key.</summary>
    public int? FreshnessBound() => FreshnessKey is null ? null : FreshnessDays ?? DefaultFreshnessDays;

    /// <summary>What is wrong with this roster, or null. A roster signed despite one of these is still refused.</summary>
    internal string? Problem()
    {
        if (Version < 1)
            return $"the version is {Version}; versions start at 1";
        if (Expires <= Issued)
            return $"it expires ({Expires:yyyy-MM-dd}) no later than it is issued ({Issued:yyyy-MM-dd})";
        if (!PublicSigningKey.TryParse(Organisation, out var organisation) || organisation!.Kind != SigningKeyKind.Organisation)
            return "the organisation is not a valid reportorg1… key";
        if (ReceiptKey is not null && (!PublicSigningKey.TryParse(ReceiptKey, out var receipt) || receipt!.Kind != SigningKeyKind.Receipt || receipt.ToString() != ReceiptKey))
            return "the receipt key is not a valid reportreceipt1… key in lowercase";
        if (FreshnessKey is not null && (!PublicSigningKey.TryParse(FreshnessKey, out var fresh) || fresh!.Kind != SigningKeyKind.Freshness || fresh.ToString() != FreshnessKey))
            return "the freshness key is not a valid reportfresh1… key in lowercase";
        if (FreshnessDays is not null && FreshnessKey is null)
            return "it bounds freshness (freshnessDays) but lists no freshness key";
        if (FreshnessDays is < 1 or > MaxFreshnessDays)
            return $"freshnessDays is {FreshnessDays}; it lies between 1 and {MaxFreshnessDays}";
        if (Reviewers is null || Reviewers.Count == 0)
            return "it lists no reviewers: nobody could read a report";
        foreach (var entry in Reviewers)
        {
            if (entry is null)
                return "a reviewer entry is empty (null)";
            if (entry.Problem() is { } problem)
                return problem;
        }
        // One kind per roster: a classic stanza beside hybrid ones would let whoever breaks X25519 later open
        // the report, so a hybrid roster must be hybrid throughout (age refuses such a mix too).
        if (Reviewers.Select(r => AgeKeys.KindOf(r.Recipient)).Distinct().Count() > 1)
            return "it mixes post-quantum (age1pq1…) and classic (age1…) recipients";
        if (Duplicate(Reviewers.Select(r => r.Name)) is { } name)
            return $"the name {name} appears twice";
        if (Duplicate(Reviewers.Select(r => r.Recipient)) is not null)
            return "two reviewers share one recipient";
        if (Duplicate(Reviewers.Select(r => r.AccessKey)) is not null)
            return "two reviewers share one access key";
        return null;
    }

    /// <summary>The kind of every reviewer's recipient (a valid roster has one kind): what reports are sealed with.</summary>
    public KeyKind RecipientKind() => AgeKeys.KindOf(Reviewers[0].Recipient);

    static string? Duplicate(IEnumerable<string> values)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return values.FirstOrDefault(value => !seen.Add(value));
    }
}
