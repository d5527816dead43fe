using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Reporting.Format.Keys;

namespace Reporting.Format.Rosters;

/// <summary>A roster with the organisation's signature over its exact bytes. See PROTOCOL.md.</summary>
public sealed class SignedRoster
{
    /// <summary>Domain separation: an organisation signature over anything else never passes as a roster.</summary>
    static readonly byte[] SignatureDomain = "reporting roster v1\n"u8.ToArray();

    /// <summary>Rosters list a handful of reviewers; a file this large is not one (and would cost memory).</summary>
    public const int MaxFileBytes = 1024 * 1024;

    /// <summary>The file's exact bytes, to store and serve unchanged.</summary>
    public required byte[] FileBytes { get; init; }
    public required Roster Roster { get; init; }

    public static SignedRoster Sign(Roster roster, SigningKey organisation)
    {
        if (organisation.Kind != SigningKeyKind.Organisation)
            throw new ArgumentException("a roster is signed with the organisation key", nameof(organisation));
        if (roster.Problem() is { } problem)
            throw new ArgumentException($"the roster is not valid: {problem}", nameof(roster));
        if (roster.Organisation != organisation.PublicKey.ToString())
            throw new ArgumentException("the roster names another organisation than the signing key", nameof(roster));

        var payload = JsonSerializer.SerializeToUtf8Bytes(roster, RosterJson.Compact.Roster);
        var signature = organisation.Sign(Signed(payload));
        var file = JsonSerializer.SerializeToUtf8Bytes(
            new RosterJson.SignedFile(Convert.ToBase64String(payload), Convert.ToBase64String(signature)), RosterJson.Indented.SignedFile);
        return new SignedRoster { FileBytes = [.. file, (byte)'\n'], Roster = roster };
    }

    /// <summary>Verifies a roster file against the pinned organisation key. Throws <see cref="RosterException"/>
    /// with a distinct failure for unsigned, tampered, other organisation, expired and rolled-back rosters.</summary>
    /// <param name="minimumVersion">The highest version already seen; a lower one is a rollback.</param>
    public static SignedRoster Verify(ReadOnlySpan<byte> fileBytes, PublicSigningKey organisation, DateOnly today, int minimumVersion = 0)
    {
        var roster = VerifyEarlier(fileBytes, organisation).Roster;
        if (roster.Issued > today)
            throw Fail(RosterFailure.NotYetValid,
                $"the roster is valid from {roster.Issued:yyyy-MM-dd} but today is {today:yyyy-MM-dd}: check this computer's date");
        if (today >= roster.Expires)
            throw Fail(RosterFailure.Expired, $"the roster expired on {roster.Expires:yyyy-MM-dd}: the organisation must sign a new one");
        if (roster.Version < minimumVersion)
            throw Fail(RosterFailure.Rollback,
                $"the roster is version {roster.Version}, older than version {minimumVersion} seen before: an old roster is being replayed");

        return new SignedRoster { FileBytes = fileBytes.ToArray(), Roster = roster };
    }

    /// <summary>Verifies a roster as a record of the past: the organisation signed it, and it is a valid roster of
    /// that organisation, whatever its dates. It tells who a report sealed to that version was sealed to; it is
    /// never a roster to seal to or to serve (use <see cref="Verify"/> for that).</summary>
    public static SignedRoster VerifyEarlier(ReadOnlySpan<byte> fileBytes, PublicSigningKey organisation)
    {
        if (organisation.Kind != SigningKeyKind.Organisation)
            throw new ArgumentException("a roster is verified with the organisation key", nameof(organisation));
        if (fileBytes.Length > MaxFileBytes)
            throw Fail(RosterFailure.Malformed, $"the roster file is larger than {MaxFileBytes} bytes");

        // The order is PROTOCOL.md's: nothing in the payload is believed before the signature is.
        var file = Deserialize(fileBytes, RosterJson.Compact.SignedFile, "the roster file");
        var payload = new byte[file.Payload.Length];
        if (!Convert.TryFromBase64String(file.Payload, payload, out var payloadLength))
            throw Fail(RosterFailure.Malformed, "the roster payload is not base64");
        payload = payload[..payloadLength];

        if (string.IsNullOrEmpty(file.Signature))
            throw Fail(RosterFailure.Unsigned, "the roster is not signed");
        var signature = new byte[file.Signature.Length];
        if (!Convert.TryFromBase64String(file.Signature, signature, out var signatureLength)
            || !organisation.Verify(Signed(payload), signature.AsSpan(0, signatureLength)))
        {
            if (SignedByAnother(payload, signature.AsSpan(0, signatureLength), organisation) is { } other)
                throw Fail(RosterFailure.WrongOrganisation,
                    $"the roster is signed by another organisation ({other}), not the pinned {organisation}");
            throw Fail(RosterFailure.BadSignature,
                $"the roster's signature does not verify under the organisation key {organisation}: it was altered or signed by someone else");
        }

        var roster = Deserialize(payload, RosterJson.Compact.Roster, "the signed roster");
        if (roster.Problem() is { } problem)
            throw Fail(RosterFailure.Malformed, $"the signed roster is not valid: {problem}");
        if (roster.Organisation != organisation.ToString())
            throw Fail(RosterFailure.WrongOrganisation,
                $"the roster names the organisation {roster.Organisation}, not the pinned {organisation}");
        return new SignedRoster { FileBytes = fileBytes.ToArray(), Roster = roster };
    }

    /// <summary>One version, one content (D3): throws <see cref="RosterFailure.VersionReused"/> when
    /// <paramref name="candidate"/> carries <paramref name="heldVersion"/>, the version of a roster file already
    /// held, but is not that file byte for byte. Otherwise a second roster signed under a version already
    /// served could be shown to some and not to others, or slip past every check that compares versions.</summary>
    public static void RefuseVersionReuse(SignedRoster candidate, int heldVersion, ReadOnlySpan<byte> heldFile)
    {
        if (candidate.Roster.Version == heldVersion && !candidate.FileBytes.AsSpan().SequenceEqual(heldFile))
            throw new RosterException(RosterFailure.VersionReused,
                $"the roster is version {heldVersion}, a version already held with other content: a version never changes its content, so the organisation must sign a new version")
            { Version = heldVersion };
    }

    /// <summary>The organisation key a roster file names, believed for nothing: a reader with no pinned key takes it
    /// on first use (and verifies under it with <see cref="VerifyEarlier"/>), then holds every later roster to it.
    /// Null when the file is not a roster.</summary>
    public static PublicSigningKey? NamedOrganisation(ReadOnlySpan<byte> fileBytes)
    {
        try
        {
            var file = JsonSerializer.Deserialize(fileBytes, RosterJson.Compact.SignedFile);
            var named = file?.Payload is null ? null : JsonSerializer.Deserialize(Convert.FromBase64String(file.Payload), RosterJson.Compact.Roster)?.Organisation;
            return named is not null && PublicSigningKey.TryParse(named, out var key) && key!.Kind == SigningKeyKind.Organisation ? key : null;
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return null;
        }
    }

    static byte[] Signed(ReadOnlySpan<byte> payload) => [.. SignatureDomain, .. payload];

    /// <summary>Only to word the error better: a roster that does not verify may still verify under
    /// the organisation key it names, which means it belongs to another organisation.</summary>
    static string? SignedByAnother(byte[] payload, ReadOnlySpan<byte> signature, PublicSigningKey pinned)
    {
        try
        {
            var named = JsonSerializer.Deserialize(payload, RosterJson.Compact.Roster)?.Organisation;
            return named is not null
                && PublicSigningKey.TryParse(named, out var other)
                && other!.Kind == SigningKeyKind.Organisation
                && !other.Equals(pinned)
                && other.Verify(Signed(payload), signature)
                ? named
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static T Deserialize<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> type, string what, RosterFailure failure = RosterFailure.Malformed) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(json, type)
                ?? throw Fail(failure, $"{what} is empty (null)");
        }
        catch (JsonException e)
        {
            throw Fail(failure, $"{what} is not valid: {e.Message}");
        }
    }

    static RosterException Fail(RosterFailure failure, string message) => new(failure, message);
}
