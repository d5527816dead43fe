using System.Security.Cryptography;
using System.Text.Json;
using Reporting.Format.Keys;

namespace Reporting.Format.Rosters;

/// <summary>What a freshness statement says: roster <paramref name="Version"/>, whose file has the SHA-256
/// <paramref name="RosterSha256"/> (lowercase hex), is the current one, as of <paramref name="Issued"/> and until
/// <paramref name="Expires"/> (the first day it no longer says so).</summary>
public sealed record Freshness(int Version, string RosterSha256, DateOnly Issued, DateOnly Expires);

/// <summary>A short-lived statement, signed by the freshness key the roster lists, that the roster is still the
/// current one (docs/DESIGN.md D3; TUF's timestamp role). The organisation key stays offline and signs a roster
/// for months; without this a seized server or a network adversary could go on serving a roster the organisation
/// has replaced (a freeze) until it expires. The reviewers renew the statement every few days with an online key;
/// a client refuses to seal once the last one has lapsed. Layout in PROTOCOL.md, "Roster freshness".</summary>
public sealed class SignedFreshness
{
    /// <summary>Domain separation: a freshness key's signature over anything else never passes as a statement.</summary>
    static readonly byte[] SignatureDomain = "reporting roster freshness v1\n"u8.ToArray();

    /// <summary>A statement is about 300 bytes; anything much larger is not one.</summary>
    public const int MaxFileBytes = 4096;

    /// <summary>The file's exact bytes, to store and serve unchanged.</summary>
    public required byte[] FileBytes { get; init; }
    public required Freshness Statement { get; init; }

    /// <summary>States that <paramref name="roster"/> is current from <paramref name="issued"/> for <paramref name="days"/>
    /// days. Throws ArgumentException when the key is not the one the roster lists, or the days exceed its bound.</summary>
    public static SignedFreshness Sign(SignedRoster roster, SigningKey key, DateOnly issued, int days)
    {
        if (key.Kind != SigningKeyKind.Freshness)
            throw new ArgumentException("a freshness statement is signed with a freshness key", nameof(key));
        if (roster.Roster.FreshnessKey != key.PublicKey.ToString())
            throw new ArgumentException($"roster version {roster.Roster.Version} does not list this freshness key ({key.PublicKey})", nameof(key));
        if (days < 1 || days > roster.Roster.FreshnessBound())
            throw new ArgumentException($"a statement lasts 1 to {roster.Roster.FreshnessBound()} days, the bound roster version {roster.Roster.Version} sets", nameof(days));
        var statement = new Freshness(roster.Roster.Version, HashOf(roster.FileBytes), issued, issued.AddDays(days));
        var payload = JsonSerializer.SerializeToUtf8Bytes(statement, RosterJson.Compact.Freshness);
        var file = JsonSerializer.SerializeToUtf8Bytes(
            new RosterJson.SignedFile(Convert.ToBase64String(payload), Convert.ToBase64String(key.Sign([.. SignatureDomain, .. payload]))),
            RosterJson.Indented.SignedFile);
        return new SignedFreshness { FileBytes = [.. file, (byte)'\n'], Statement = statement };
    }

    /// <summary>Verifies a statement against the roster it should speak of: signed by the freshness key that roster
    /// lists, for that roster's version and exact bytes. Says nothing about the day (<see cref="RequireCurrent"/>).
    /// Throws <see cref="RosterException"/> (FreshnessInvalid, FreshnessMismatch).</summary>
    public static SignedFreshness Verify(ReadOnlySpan<byte> fileBytes, SignedRoster roster)
    {
        if (roster.Roster.FreshnessKey is not { } listed)
            throw new ArgumentException($"roster version {roster.Roster.Version} lists no freshness key", nameof(roster));
        var key = PublicSigningKey.Parse(listed, SigningKeyKind.Freshness);
        if (fileBytes.Length > MaxFileBytes)
            throw new RosterException(RosterFailure.FreshnessInvalid, $"the freshness statement is larger than {MaxFileBytes} bytes");

        // As for the roster: nothing in the payload is believed before the signature is.
        var file = SignedRoster.Deserialize(fileBytes, RosterJson.Compact.SignedFile, "the freshness statement", RosterFailure.FreshnessInvalid);
        var payload = new byte[file.Payload.Length];
        var signature = new byte[file.Signature?.Length ?? 0];
        if (!Convert.TryFromBase64String(file.Payload, payload, out var payloadLength)
            || !Convert.TryFromBase64String(file.Signature ?? "", signature, out var signatureLength)
            || !key.Verify([.. SignatureDomain, .. payload.AsSpan(0, payloadLength)], signature.AsSpan(0, signatureLength)))
            throw new RosterException(RosterFailure.FreshnessInvalid,
                $"the freshness statement is not signed by the freshness key roster version {roster.Roster.Version} lists ({listed})");

        var statement = SignedRoster.Deserialize(payload.AsSpan(0, payloadLength), RosterJson.Compact.Freshness, "the signed freshness statement", RosterFailure.FreshnessInvalid);
        if (statement.Expires <= statement.Issued)
            throw new RosterException(RosterFailure.FreshnessInvalid, "the freshness statement lapses no later than it was made");
        if (statement.Version != roster.Roster.Version || statement.RosterSha256 != HashOf(roster.FileBytes))
            throw new RosterException(RosterFailure.FreshnessMismatch,
                $"the freshness statement speaks of roster version {statement.Version}{(statement.Version == roster.Roster.Version ? " with other content" : "")}, " +
                $"not of the roster at hand (version {roster.Roster.Version})");
        return new SignedFreshness { FileBytes = fileBytes.ToArray(), Statement = statement };
    }

    /// <summary>The first day the statement no longer vouches for its roster: its own expiry, or the roster's bound
    /// counted from the day it was made, whichever comes first.</summary>
    public DateOnly LapsesOn(Roster roster) =>
        Min(Statement.Expires, Statement.Issued.AddDays(roster.FreshnessBound() ?? Roster.DefaultFreshnessDays));

    /// <summary>Throws <see cref="RosterException"/> (NotYetValid, FreshnessLapsed) unless the statement vouches for
    /// <paramref name="roster"/> on <paramref name="today"/> (UTC days, as the server counts).</summary>
    public void RequireCurrent(Roster roster, DateOnly today)
    {
        if (Statement.Issued > today)
            throw new RosterException(RosterFailure.NotYetValid,
                $"the freshness statement is dated {Statement.Issued:yyyy-MM-dd} but today is {today:yyyy-MM-dd}: check this computer's date");
        if (today >= LapsesOn(roster))
            throw new RosterException(RosterFailure.FreshnessLapsed,
                $"the last statement that roster version {roster.Version} is current was made on {Statement.Issued:yyyy-MM-dd} and lapsed on {LapsesOn(roster):yyyy-MM-dd}: " +
                "the organisation may have replaced this roster, and whoever serves it may be hiding that")
            { Version = roster.Version, Freshness = (Statement.Issued, LapsesOn(roster)) };
    }

    /// <summary>What a client checks before sealing: nothing when the roster lists no freshness key (as before
    /// freshness existed), else a statement that verifies and is current. Returns the statement, or null.</summary>
    public static SignedFreshness? Require(SignedRoster roster, byte[]? statement, DateOnly today)
    {
        if (roster.Roster.FreshnessKey is null)
            return null;
        if (statement is null)
            throw new RosterException(RosterFailure.FreshnessMissing,
                $"roster version {roster.Roster.Version} asks for a statement that it is current, and none came with it");
        var verified = Verify(statement, roster);
        verified.RequireCurrent(roster.Roster, today);
        return verified;
    }

    /// <summary>Of the statements at hand for <paramref name="roster"/> (one fetched, one kept), the most recently made
    /// that verifies, so that a server replaying an older statement never makes a client forget a newer one (as TUF's
    /// clients never go back to an older timestamp); the first when none verifies, so its failure is the one reported.</summary>
    public static byte[]? Newest(SignedRoster roster, params byte[]?[] candidates)
    {
        if (roster.Roster.FreshnessKey is null)
            return candidates.FirstOrDefault();
        byte[]? newest = null;
        var newestIssued = DateOnly.MinValue;
        foreach (var candidate in candidates)
        {
            if (candidate is null)
                continue;
            try
            {
                var issued = Verify(candidate, roster).Statement.Issued;
                if (newest is null || issued > newestIssued)
                    (newest, newestIssued) = (candidate, issued);
            }
            catch (RosterException)
            {
                // not this one
            }
        }
        return newest ?? candidates.FirstOrDefault();
    }

    static string HashOf(byte[] rosterFile) => Convert.ToHexStringLower(SHA256.HashData(rosterFile));

    static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
}
