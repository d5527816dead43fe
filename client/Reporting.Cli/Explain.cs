using Reporting.Format.Age;
using Reporting.Format.Rosters;

namespace Reporting.Cli;

/// <summary>Turns the format library's failures into messages a user can act on.</summary>
public static class Explain
{
    /// <param name="what">How to name the file in the message, e.g. its file name or "the input".</param>
    public static ToolException Age(AgeException e, string what) => e.Failure switch
    {
        AgeFailure.MalformedHeader => new($"{what} is not an age file, or its header is damaged ({e.Message})",
            "check that this is the file you meant; a file cut short or edited by hand looks like this"),
        AgeFailure.NoIdentityMatched => new($"none of the identities given can open {what}",
            "it was sealed to other recipients: check that you gave the right identity file"),
        AgeFailure.HeaderMacMismatch => new($"{what} has been tampered with: its header does not verify",
            "do not trust this file; ask for it to be sent again"),
        AgeFailure.PayloadCorrupt => new($"{what} is corrupt or has been tampered with",
            "trust none of its content; ask for it to be sent again"),
        AgeFailure.Truncated => new($"{what} is truncated: it ends before its last chunk",
            "the copy is incomplete; copy or download it again"),
        AgeFailure.MalformedArmor => new($"{what} is not an age file, or its armor is damaged ({e.Message})",
            "if it was pasted as text, copy the whole block again, BEGIN and END lines included"),
        AgeFailure.WorkFactorTooHigh => new($"{what} asks for more passphrase work than is safe to spend",
            "a file made by age or these tools never does this; it may be hostile"),
        _ => new($"{what}: {e.Message}"),
    };

    public static ToolException Roster(RosterException e, string what) => e.Failure switch
    {
        RosterFailure.Unsigned or RosterFailure.BadSignature => new($"{what}: {e.Message}",
            "do not use this roster: it is not what the organisation signed; get it again from the organisation"),
        RosterFailure.WrongOrganisation => new($"{what}: {e.Message}",
            "check the organisation key you pinned (--org-key) against the one the organisation published"),
        RosterFailure.NotYetValid => new($"{what}: {e.Message}", "set this computer's date, then try again"),
        RosterFailure.Expired => new($"{what}: {e.Message}", "the organisation signs a new one with: review org sign"),
        RosterFailure.Rollback => new($"{what}: {e.Message}",
            "someone may be replaying an old roster to you; get the current one from the organisation"),
        _ => new($"{what}: {e.Message}", "this is not a roster file, or it was damaged"),
    };
}
