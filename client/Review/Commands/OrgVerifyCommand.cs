using System.CommandLine;
using Reporting.Cli;
using Reporting.Format.Keys;
using Reporting.Format.Rosters;

namespace Reporting.Review.Commands;

/// <summary><c>review org verify</c>: check a roster file as clients and the server will, before it is deployed.</summary>
static class OrgVerifyCommand
{
    public static Command Create()
    {
        var orgKey = new Option<string>("--org-key") { Description = "The organisation's public key (reportorg1…)", Required = true };
        var minimumVersion = new Option<int>("--min-version") { Description = "Refuse a roster older than this version (the last one deployed)" };
        var roster = new Argument<string>("ROSTER") { Description = "The signed roster file (roster.json)" };
        var command = new Command("verify", "Check a signed roster against the organisation key and list its reviewers") { orgKey, minimumVersion, roster };
        command.SetAction(result =>
        {
            var signed = Verified(result.GetValue(roster)!, result.GetValue(orgKey)!, result.GetValue(minimumVersion));
            var r = signed.Roster;
            Console.Out.WriteLine($"version {r.Version}, valid from {r.Issued:yyyy-MM-dd} until {r.Expires:yyyy-MM-dd}");
            foreach (var reviewer in r.Reviewers)
                Console.Out.WriteLine($"{reviewer.Name} {reviewer.Recipient} {reviewer.AccessKey}");
            return 0;
        });
        return command;
    }

    /// <summary>The roster file at <paramref name="path"/> as clients and the server will check it, or a ToolException.</summary>
    internal static SignedRoster Verified(string path, string orgKey, int minimumVersion = 0)
    {
        PublicSigningKey organisation;
        try
        {
            organisation = PublicSigningKey.Parse(orgKey.Trim(), SigningKeyKind.Organisation);
        }
        catch (FormatException e)
        {
            throw new ToolException($"--org-key: {e.Message}", "give the reportorg1… key that review org init printed");
        }
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ToolException($"cannot read {path}: {e.Message}");
        }
        try
        {
            return SignedRoster.Verify(bytes, organisation, DateOnly.FromDateTime(DateTime.UtcNow), minimumVersion);
        }
        catch (RosterException e)
        {
            throw Explain.Roster(e, path);
        }
    }
}
