using System.CommandLine;
using Reporting.Cli;
using Reporting.Format.Age;
using Reporting.Format.IO;
using Reporting.Format.Keys;
using Reporting.Format.Rosters;
using Reporting.Review.Organisation;

namespace Reporting.Review.Commands;

/// <summary><c>review org sign</c>: a roster of reviewers, signed with the organisation key.</summary>
static class OrgSignCommand
{
    /// <summary>A roster must be renewed: a stolen or outdated one stops working by itself.</summary>
    const int DefaultValidDays = 90;
    const int MaxValidDays = 366;

    public static Command Create()
    {
        var orgKey = new Option<string>("--org-key") { Description = "The organisation key file (from review org init)", Required = true };
        var entries = new Option<string[]>("--entry") { Description = "A reviewer's NAME.entry.json (from review keygen); repeat for each reviewer", Required = true };
        var version = new Option<int>("--version") { Description = "The roster's version: higher than any roster signed before", Required = true };
        var validDays = new Option<int>("--valid-days") { Description = "Days until the roster expires", DefaultValueFactory = _ => DefaultValidDays };
        var output = new Option<string>("--out") { Description = "The signed roster file to write (roster.json)", Required = true };
        var passphraseFile = new Option<string?>("--passphrase-file") { Description = "Read the organisation key's passphrase from this file instead of asking" };
        var receiptKey = new Option<string?>("--receipt-key")
        {
            Description = "The server's receipt key (reportreceipt1…, in its log at start-up): clients then believe a delivery only with its receipt",
        };
        var freshnessKey = new Option<string?>("--freshness-key")
        {
            Description = "The reviewers' freshness key (reportfresh1…, from review org fresh-key): clients then seal only while a statement it signed is current",
        };
        var freshnessDays = new Option<int?>("--freshness-days")
        {
            Description = $"With --freshness-key: days a statement is good for at most (default {Roster.DefaultFreshnessDays})",
        };
        var command = new Command("sign", "Sign the roster: who reports are sealed to and whose requests the server honours")
        {
            orgKey, entries, version, validDays, output, passphraseFile, receiptKey, freshnessKey, freshnessDays,
        };
        command.SetAction(result =>
        {
            var days = result.GetValue(validDays);
            var number = result.GetValue(version);
            if (number < 1)
                throw new ToolException("--version must be 1 or more", "each new roster takes a higher version than the last");
            if (days is < 1 or > MaxValidDays)
                throw new ToolException($"--valid-days must be between 1 and {MaxValidDays}");
            var path = result.GetValue(output)!;
            var receipts = result.GetValue(receiptKey)?.Trim();
            if (receipts is not null && (!PublicSigningKey.TryParse(receipts, out var parsed) || parsed!.Kind != SigningKeyKind.Receipt))
                throw new ToolException($"{receipts} is not a receipt key", "copy the reportreceipt1… key the server names in its log at start-up");
            var fresh = result.GetValue(freshnessKey)?.Trim();
            if (fresh is not null && (!PublicSigningKey.TryParse(fresh, out var parsedFresh) || parsedFresh!.Kind != SigningKeyKind.Freshness))
                throw new ToolException($"{fresh} is not a freshness key", "copy the reportfresh1… key that review org fresh-key printed");
            var bound = result.GetValue(freshnessDays);
            if (bound is not null && fresh is null)
                throw new ToolException("--freshness-days goes with --freshness-key");
            if (bound is < 1 or > Roster.MaxFreshnessDays)
                throw new ToolException($"--freshness-days must be between 1 and {Roster.MaxFreshnessDays}");
            // Checked before the passphrase is asked: a version signed before is never signed again.
            var ledger = RosterLedger.Beside(result.GetValue(orgKey)!);
            ledger.RefuseUsed(number);
            using var file = CommandFiles.CreateNew(path, AtomicFile.Public);

            var reviewers = result.GetValue(entries)!.Select(ReadEntry).ToList();
            if (reviewers.GroupBy(r => r.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
                throw new ToolException($"the name {twice.Key} appears in two entries", "each reviewer needs a name of their own");
            RefuseMixedKinds(reviewers);

            using var organisation = SigningKeys.Read(result.GetValue(orgKey)!, result.GetValue(passphraseFile),
                SigningKeyKind.Organisation, "make one with: review org init --out FILE");
            var issued = DateOnly.FromDateTime(DateTime.UtcNow);
            var roster = new Roster(number, issued, issued.AddDays(days), organisation.PublicKey.ToString(), reviewers, receipts?.ToLowerInvariant(),
                fresh?.ToLowerInvariant(), bound);
            SignedRoster signed;
            try
            {
                signed = SignedRoster.Sign(roster, organisation);
            }
            catch (ArgumentException e)
            {
                throw new ToolException(e.Message);
            }
            ledger.Record(number, signed.FileBytes, issued);
            file.Stream.Write(signed.FileBytes);
            file.Commit();

            Console.Error.WriteLine($"review: signed roster version {number} for {string.Join(", ", reviewers.Select(r => r.Name))}");
            Console.Error.WriteLine($"review: valid from {issued:yyyy-MM-dd} until {roster.Expires:yyyy-MM-dd}; wrote {path}");
            if (roster.FreshnessBound() is { } freshFor)
                Console.Error.WriteLine($"review: clients seal to it only with a statement that it is current, at most {freshFor} days old: " +
                    "review org fresh --key FILE --org-key … --roster roster.json --out roster.fresh, then put it beside the server's roster");
            Console.Error.WriteLine($"review: recorded version {number} in {result.GetValue(orgKey)}{RosterLedger.Suffix}; keep it with the organisation key");
            return 0;
        });
        return command;
    }

    /// <summary>Checked before the passphrase is asked, with the names: a roster is all post-quantum or all classic
    /// (a classic stanza in a report would undo the others' quantum resistance).</summary>
    static void RefuseMixedKinds(IReadOnlyList<RosterEntry> reviewers)
    {
        var classic = reviewers.Where(r => AgeKeys.KindOf(r.Recipient) == KeyKind.X25519).Select(r => r.Name).ToList();
        if (classic.Count == 0 || classic.Count == reviewers.Count)
            return;
        throw new ToolException($"the roster would mix post-quantum and classic reviewers ({string.Join(", ", classic)}: classic age1… keys)",
            "a roster is of one kind: have them run review keygen again (post-quantum by default), or make every key with --classic");
    }

    static RosterEntry ReadEntry(string path)
    {
        try
        {
            return RosterEntry.Parse(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ToolException($"no entry file at {path}", "each reviewer makes one with: review keygen --name NAME --out DIR");
        }
        catch (FormatException e)
        {
            throw new ToolException($"{path}: {e.Message}", "use the NAME.entry.json that review keygen wrote, unchanged");
        }
    }
}
