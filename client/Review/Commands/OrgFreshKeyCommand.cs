using System.CommandLine;
using Reporting.Format.Keys;
using Reporting.Review.Keys;

namespace Reporting.Review.Commands;

/// <summary><c>review org fresh-key</c>: the reviewers' freshness key (docs/DESIGN.md D3), sealed with a passphrase.
/// Online, on a reviewer's machine that renews the statement (by hand or from cron), never on the server: a seized
/// server must not be able to say that an old roster is still current.</summary>
static class OrgFreshKeyCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "The new freshness key file (on a reviewer's machine, never on the server)", Required = true };
        var passphraseFile = new Option<string?>("--passphrase-file") { Description = "Read the new passphrase from this file instead of asking (twice)" };
        var command = new Command("fresh-key", "Make the freshness key that says a roster is still current; prints its public key (reportfresh1…)")
        {
            output, passphraseFile,
        };
        command.SetAction(result =>
        {
            using var key = NewKeyFile.Write(result.GetValue(output)!, result.GetValue(passphraseFile), SigningKeyKind.Freshness, "the freshness key");
            Console.Out.WriteLine(key.PublicKey.ToString());
            Console.Error.WriteLine($"review: wrote {result.GetValue(output)}; keep it on a reviewer's machine, never on the server");
            Console.Error.WriteLine("review: list the public key above in the roster: review org sign … --freshness-key KEY");
            Console.Error.WriteLine("review: then renew the statement every few days: review org fresh --key FILE --org-key … --roster roster.json --out roster.fresh");
            return 0;
        });
        return command;
    }
}
