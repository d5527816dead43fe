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
}

public sealed class RosterException(RosterFailure failure, string message) : Exception(message)
{
    public RosterFailure Failure { get; } = failure;
}
