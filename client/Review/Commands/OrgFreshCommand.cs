using System.CommandLine;
using Reporting.Cli;
using Reporting.Format.IO;
using Reporting.Format.Keys;
using Reporting.Format.Rosters;

namespace Reporting.Review.Commands;

/// <summary><c>review org fresh</c>: the short-lived statement that a roster is still the current one (docs/DESIGN.md
/// D3), signed with the freshness key the roster lists. Run it every day or so (cron) and put the file beside the
/// server's roster: clients refuse to seal once the last statement has lapsed.</summary>
static class OrgFreshCommand
{
    /// <summary>A week: renewed daily, six renewals may fail before anything stops, and a frozen roster is believed a
    /// week at most (the roster's bound, 14 days by default, caps what a statement may claim).</summary>
    const int DefaultDays = 7;

    public static Command Create()
    {
        var key = new Option<string>("--key") { Description = "The freshness key file (from review org fresh-key)", Required = true };
        var orgKey = new Option<string>("--org-key") { Description = "The organisation's public key (reportorg1…) the roster must be signed by", Required = true };
        var roster = new Option<string>("--roster") { Description = "The signed roster file the server serves (roster.json)", Required = true };
        var days = new Option<int>("--days") { Description = "Days the statement lasts (at most the roster's bound)", DefaultValueFactory = _ => DefaultDays };
        var output = new Option<string>("--out") { Description = "The statement to write (roster.fresh), replaced if it exists", Required = true };
        var passphraseFile = new Option<string?>("--passphrase-file") { Description = "Read the freshness key's passphrase from this file instead of asking" };
        var command = new Command("fresh", "State that a roster is still current, for a few days (put the file beside the server's roster)")
        {
            key, orgKey, roster, days, output, passphraseFile,
        };
        command.SetAction(result =>
        {
            var path = result.GetValue(roster)!;
            // As clients will check it: a statement is never made for a roster they would refuse anyway.
            var signed = OrgVerifyCommand.Verified(path, result.GetValue(orgKey)!);
            var bound = signed.Roster.FreshnessBound()
                ?? throw new ToolException($"{path}: roster version {signed.Roster.Version} lists no freshness key, so clients need no statement",
                    "list one when the roster is next signed: review org sign … --freshness-key reportfresh1…");
            var lasting = result.GetValue(days);
            if (lasting < 1 || lasting > bound)
                throw new ToolException($"--days must be between 1 and {bound}, the bound roster version {signed.Roster.Version} sets");

            using var freshness = SigningKeys.Read(result.GetValue(key)!, result.GetValue(passphraseFile), SigningKeyKind.Freshness,
                "make one with: review org fresh-key --out FILE");
            if (freshness.PublicKey.ToString() != signed.Roster.FreshnessKey)
                throw new ToolException($"roster version {signed.Roster.Version} lists the freshness key {signed.Roster.FreshnessKey}, not {freshness.PublicKey}",
                    "use the key file whose public key the roster lists");
            var statement = SignedFreshness.Sign(signed, freshness, DateOnly.FromDateTime(DateTime.UtcNow), lasting);
            var written = result.GetValue(output)!;
            try
            {
                AtomicFile.Write(written, statement.FileBytes, AtomicFile.Public, replace: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ToolException($"cannot write {written}: {e.Message}");
            }
            Console.Error.WriteLine($"review: roster version {signed.Roster.Version} stated current from {statement.Statement.Issued:yyyy-MM-dd}; " +
                $"clients refuse it from {statement.LapsesOn(signed.Roster):yyyy-MM-dd} unless renewed; wrote {written}");
            Console.Error.WriteLine("review: put it beside the server's roster (Reporting:FreshnessFile, default roster.fresh): it is served without a restart");
            return 0;
        });
        return command;
    }
}
