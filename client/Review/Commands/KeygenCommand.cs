using System.CommandLine;
using Reporting.Cli;
using Reporting.Format.Age;
using Reporting.Format.IO;
using Reporting.Format.Keys;
using Reporting.Format.Rosters;
using Reporting.Review.Keys;

namespace Reporting.Review.Commands;

/// <summary><c>review keygen</c>: a reviewer's decryption identity, access key and public roster entry.</summary>
static class KeygenCommand
{
    public static Command Create()
    {
        var name = new Option<string>("--name") { Description = "Your name in the roster: lowercase letters, digits, - or _ (e.g. alice)", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for NAME.identity, NAME.access and NAME.entry.json", Required = true };
        var passphraseFile = new Option<string?>("--passphrase-file") { Description = "Read the identity's new passphrase from this file instead of asking (twice)" };
        var accessPassphraseFile = new Option<string?>("--access-passphrase-file")
        {
            Description = "Read the access key's new passphrase, a different one, from this file (else asked; with --passphrase-file alone the same, with a warning)",
        };
        var classic = new Option<bool>("--classic")
        {
            Description = "Make an X25519 identity (age1…) instead of a post-quantum one (age1pq1…): only for an organisation whose reviewers must open reports with age older than 1.3",
        };
        var command = new Command("keygen", "Make your keys: NAME.identity (offline machine), NAME.access (online), NAME.entry.json (for the organisation)")
        {
            name, output, passphraseFile, accessPassphraseFile, classic,
        };
        command.SetAction(result => Run(result.GetValue(name)!, result.GetValue(output)!, result.GetValue(passphraseFile),
            result.GetValue(accessPassphraseFile) ?? result.GetValue(passphraseFile), result.GetValue(classic) ? KeyKind.X25519 : KeyKind.Hybrid));
        return command;
    }

    /// <summary>Two passphrases, not one (docs/DESIGN.md D4): the access key's is typed on the online
    /// workstation at every fetch and push, where malware may catch it; it must not also open the identity,
    /// which reads every report. The identity is post-quantum hybrid unless asked otherwise (docs/DESIGN.md D1):
    /// reports are kept for years, and a copy taken today must not open once X25519 falls.</summary>
    static int Run(string name, string folder, string? passphraseFile, string? accessPassphraseFile, KeyKind kind)
    {
        if (!RosterEntry.IsValidName(name))
            throw new ToolException($"the name \"{name}\" is not allowed",
                "use 1 to 32 lowercase letters, digits, - or _, starting with a letter or digit (e.g. alice)");
        string identityPath = Path.Combine(folder, name + ".identity"),
            accessPath = Path.Combine(folder, name + ".access"),
            entryPath = Path.Combine(folder, name + ".entry.json");
        string[] paths = [identityPath, accessPath, entryPath];
        // Checked before the passphrase is asked: nobody types a passphrase twice for nothing.
        foreach (var path in paths.Where(p => File.Exists(p) || Directory.Exists(p)))
            throw new ToolException($"{path} already exists", "keys are never overwritten: choose another --name or --out");

        CreateFolder(folder);
        var passphrase = Passphrase.Read(passphraseFile, $"Passphrase for {name}.identity (it stays on the offline machine): ", confirm: true,
            NewPassphrase.For($"{name}.identity", null, name));
        byte[] accessPassphrase;
        try
        {
            accessPassphrase = Passphrase.Read(accessPassphraseFile, $"Passphrase for {name}.access (another one: it is typed on the online workstation): ",
                confirm: true, NewPassphrase.For($"{name}.access", passphrase, name));
        }
        catch
        {
            Array.Clear(passphrase);
            throw;
        }
        try
        {
            using var identity = AgeKeys.Generate(kind);
            using var access = SigningKey.Generate(SigningKeyKind.Access);
            var entry = new RosterEntry(name, identity.Recipient.ToString()!, access.PublicKey.ToString());
            try
            {
                KeyFile.WriteIdentity(identityPath, identity, passphrase);
                KeyFile.WriteSigningKey(accessPath, access, accessPassphrase);
                AtomicFile.Write(entryPath, entry.ToJson(), AtomicFile.Public);
            }
            catch (Exception e)
            {
                // All or nothing: these paths were free when we started, so whatever is there now is ours.
                foreach (var path in paths)
                    File.Delete(path);
                if (e is IOException or UnauthorizedAccessException)
                    throw new ToolException($"cannot write the keys to {folder}: {e.Message}");
                throw;
            }

            Console.Out.WriteLine(entry.Recipient);
            Console.Error.WriteLine($"review: wrote {identityPath} (keep it on the offline machine)");
            Console.Error.WriteLine($"review: wrote {accessPath} (for the online workstation)");
            Console.Error.WriteLine($"review: wrote {entryPath} (send it to whoever signs the roster)");
            Console.Error.WriteLine(kind == KeyKind.Hybrid
                ? "review: each key file is sealed with its own passphrase; age 1.3 or later (age -d -i) also opens the post-quantum identity"
                : "review: each key file is sealed with its own passphrase; age -d -i also opens the identity");
            return 0;
        }
        finally
        {
            Array.Clear(passphrase);
            Array.Clear(accessPassphrase);
        }
    }

    static void CreateFolder(string folder)
    {
        try
        {
            if (OperatingSystem.IsWindows())
                Directory.CreateDirectory(folder);
            else
                Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ToolException($"cannot create the folder {folder}: {e.Message}");
        }
    }
}
