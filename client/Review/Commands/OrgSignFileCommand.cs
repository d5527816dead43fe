using System.CommandLine;
using System.Globalization;
using Reporting.Cli;
using Reporting.Format.IO;
using Reporting.Format.Keys;
using Reporting.Format.Signatures;

namespace Reporting.Review.Commands;

/// <summary><c>review org sign-file</c>: the organisation signs what it hands out (release archives,
/// SHA256SUMS, a roster to carry) in minisign's format, so that stock minisign checks it.</summary>
static class OrgSignFileCommand
{
    public static Command Create()
    {
        var orgKey = new Option<string>("--org-key") { Description = "The organisation key file (from review org init)", Required = true };
        var passphraseFile = new Option<string?>("--passphrase-file") { Description = "Read the organisation key's passphrase from this file instead of asking" };
        var files = new Argument<string[]>("FILE") { Description = "The files to sign; each gets FILE.minisig beside it", Arity = ArgumentArity.OneOrMore };
        var command = new Command("sign-file", "Sign files with the organisation key in minisign's format (FILE.minisig); prints the key's minisign form RW…")
        {
            orgKey, passphraseFile, files,
        };
        command.SetAction(result =>
        {
            var paths = result.GetValue(files)!;
            foreach (var path in paths)
                if (!File.Exists(path))
                    throw new ToolException($"no file at {path}", "name the files to sign; nothing was signed");
            using var organisation = SigningKeys.Read(result.GetValue(orgKey)!, result.GetValue(passphraseFile),
                SigningKeyKind.Organisation, "make one with: review org init --out FILE");
            foreach (var path in paths)
            {
                string signature;
                try
                {
                    using (var file = File.OpenRead(path))
                        signature = MinisignSignature.Sign(organisation, file, TrustedComment(path));
                    AtomicFile.Write(MinisignSignature.FileNameFor(path), System.Text.Encoding.UTF8.GetBytes(signature), AtomicFile.Public, replace: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new ToolException($"cannot sign {path}: {e.Message}");
                }
                Console.Error.WriteLine($"review: signed {path} -> {MinisignSignature.FileNameFor(path)}");
            }
            Console.Out.WriteLine(MinisignKey.Encode(organisation.PublicKey));
            Console.Error.WriteLine($"review: check with: minisign -Vm FILE -P {MinisignKey.Encode(organisation.PublicKey)}");
            Console.Error.WriteLine($"review: or: report verify-file --org-key {organisation.PublicKey} FILE");
            return 0;
        });
        return command;
    }

    /// <summary>minisign's own form (what <c>minisign -S</c> writes by default), shown by <c>minisign -V</c>.</summary>
    static string TrustedComment(string path) => string.Create(CultureInfo.InvariantCulture,
        $"timestamp:{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}\tfile:{Path.GetFileName(path)}\thashed");
}
