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
}

public sealed class RosterException(RosterFailure failure, string message) : Exception(message)
{
    public RosterFailure Failure { get; } = failure;

    /// <summary>The version of the refused roster, where it was read (a version reused).</summary>
    public int? Version { get; init; }
}
