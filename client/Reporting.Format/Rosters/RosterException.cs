namespace Reporting.Format.Rosters;

public enum RosterFailure
{
    Malformed,
    Unsigned,
    BadSignature,
    WrongOrganisation,
    Expired,
    NotYetValid,
    Rollback,
    /// <summary>The version of a roster already held, with other content: one version has one content (D3).</summary>
    VersionReused,
    /// <summary>The roster lists a freshness key but no statement that it is current came with it.</summary>
    FreshnessMissing,
    /// <summary>The freshness statement is malformed or not signed by the freshness key the roster lists.</summary>
    FreshnessInvalid,
    /// <summary>The freshness statement speaks of another roster (another version, or other bytes).</summary>
    FreshnessMismatch,
    /// <summary>The freshness statement has lapsed: nobody holding the freshness key has said lately that this
    /// roster is still the current one (a frozen or replayed roster).</summary>
    FreshnessLapsed,
}

public sealed class RosterException(RosterFailure failure, string message) : Exception(message)
{
    public RosterFailure Failure { get; } = failure;

    /// <summary>The version of the refused roster, where it was read (a version reused).</summary>
    public int? Version { get; init; }

    /// <summary>For a lapsed freshness statement: the day it was made and the day it lapsed.</summary>
    public (DateOnly Made, DateOnly Lapsed)? Freshness { get; init; }
}
