using System.CommandLine;

namespace Reporting.Review.Commands;

/// <summary><c>review org</c>: the organisation key and the roster it signs (offline).</summary>
static class OrgCommand
{
    public static Command Create() => new("org", "The organisation key (offline) and the signed roster of reviewers")
    {
        OrgInitCommand.Create(),
        OrgSignCommand.Create(),
        OrgVerifyCommand.Create(),
        OrgSignFileCommand.Create(),
        OrgInviteCommand.Create(),
        OrgFreshKeyCommand.Create(),
        OrgFreshCommand.Create(),
    };
}
