using System.CommandLine;
using Reporting.Cli;
using Reporting.Format.Keys;
using Reporting.Format.Signatures;
using Reporting.Review.Keys;

namespace Reporting.Review.Commands;

/// <summary><c>review org init</c>: the organisation's signing key, sealed with a passphrase.</summary>
static class OrgInitCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "The new organisation key file (keep it offline)", Required = true };
        var passphraseFile = new Option<string?>("--passphrase-file") { Description = "Read the new passphrase from this file instead of asking (twice)" };
        var command = new Command("init", "Make the organisation key that signs rosters; prints its public key (reportorg1…)") { output, passphraseFile };
        command.SetAction(result =>
        {
            using var key = NewKeyFile.Write(result.GetValue(output)!, result.GetValue(passphraseFile), SigningKeyKind.Organisation, "the organisation key");
            Console.Out.WriteLine(key.PublicKey.ToString());
            Console.Error.WriteLine($"review: wrote {result.GetValue(output)}; keep it offline, it signs every roster");
            Console.Error.WriteLine("review: publish the public key above: sources pin it with report init --org-key");
            Console.Error.WriteLine($"review: fingerprint {Fingerprint.Of(key.PublicKey)} (to read aloud; report init prints it too)");
            Console.Error.WriteLine($"review: minisign form, to check files signed with review org sign-file: {MinisignKey.Encode(key.PublicKey)}");
            return 0;
        });
        return command;
    }
}
