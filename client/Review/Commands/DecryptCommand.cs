using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using Reporting.Cli;
using Reporting.Format.Age;
using Reporting.Format.Bundles;
using Reporting.Format.IO;
using Reporting.Review.Decrypting;

namespace Reporting.Review.Commands;

/// <summary><c>review decrypt</c> (offline): every <c>*.age</c> file in a folder, fetched or carried in by hand,
/// becomes a folder of its own with report.json, report.txt and attachments/, plus an index of all of them.
/// Decrypted reports are hostile input (D12): see <see cref="ReportBundle.Read"/>. Nothing is ever opened
/// or run; one bad file is reported and skipped, the others are still decrypted.</summary>
static class DecryptCommand
{
    public static Command Create()
    {
        var identity = new Option<FileInfo>("--identity") { Description = "Your identity file (NAME.identity from review keygen, or a plain age identity file)", Required = true };
        var input = new Option<DirectoryInfo>("--in") { Description = "Folder of *.age files (from review fetch, or carried in by hand)", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the decrypted reports and the index", Required = true };
        var passphraseFile = new Option<FileInfo?>("--passphrase-file") { Description = "Read the identity's passphrase from this file instead of asking" };
        var language = new Option<string?>("--language") { Description = "Language of the labels in report.txt and the index: en, ko or zh" };
        language.AcceptOnlyFromAmong([.. Labels.Languages]);
        var command = new Command("decrypt", "Decrypt reports on the offline machine, safely, into one folder each") { identity, input, output, passphraseFile, language };
        command.SetAction(result => Run(
            result.GetValue(identity)!, result.GetValue(input)!, result.GetValue(output)!,
            result.GetValue(passphraseFile)?.FullName, Labels.For(result.GetValue(language))));
        return command;
    }

    static int Run(FileInfo identityFile, DirectoryInfo input, DirectoryInfo output, string? passphraseFile, Labels labels)
    {
        if (!input.Exists)
            throw new ToolException($"no folder at {input.FullName}");
        var envelopes = input.EnumerateFiles("*.age").Select(f => f.FullName).Order(StringComparer.Ordinal).ToList();
        if (envelopes.Count == 0)
            throw new ToolException($"no *.age files in {input.FullName}", "fetch them with review fetch, or copy them there");

        // The passphrase is asked once, and checked before anything is written.
        var identities = Identities.Load(identityFile.FullName, passphraseFile);
        var receivedDays = ReceivedDays(input.FullName);
        int decrypted = 0, already = 0, failed = 0, notForThisIdentity = 0;
        try
        {
            // Plaintext lives here: only the reviewer's account may list or read it.
            if (!output.Exists)
                CreatePrivateDirectory(output.FullName);
            var outputFolder = output.FullName;
            RemoveLeftovers(outputFolder);
            var known = KnownEnvelopes(outputFolder);
            foreach (var envelope in envelopes)
            {
                var shown = VisibleText.Escape(Path.GetFileName(envelope));
                try
                {
                    if (new FileInfo(envelope).LinkTarget is not null)
                        throw new IOException("it is a link, not a file; copy the file itself");
                    var sha256 = HashFile(envelope);
                    if (known.TryGetValue(sha256, out var existing))
                    {
                        // Decrypted by an earlier release, before records kept the received day: it is kept now.
                        var existingFolder = Path.Combine(outputFolder, existing);
                        if (DecryptionRecord.Load(existingFolder) is { Received: null } record && receivedDays.TryGetValue(Path.GetFileName(envelope), out var day))
                            (record with { Received = day }).Save(existingFolder, replace: true);
                        Console.Out.WriteLine($"{shown}: already decrypted in {VisibleText.Escape(existing)}");
                        already++;
                        continue;
                    }
                    var (folder, opened) = Decrypt(envelope, sha256, receivedDays.GetValueOrDefault(Path.GetFileName(envelope)), outputFolder, identities, labels);
                    known[sha256] = folder;
                    decrypted++;
                    var warnings = opened.Warnings.Count == 0 ? "" : $", {opened.Warnings.Count} warning(s): see report.txt";
                    Console.Out.WriteLine($"{shown}: {VisibleText.Escape(folder)}/ ({VisibleText.Escape(opened.Document.Category)}, {opened.Saved.Count} attachment(s){warnings})");
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Whatever one file does, the others are still decrypted.
                    failed++;
                    if (e is AgeException { Failure: AgeFailure.NoIdentityMatched })
                        notForThisIdentity++;
                    var failure = Failure(e);
                    Console.Error.WriteLine($"review: {shown}: skipped: {VisibleText.Escape(failure.Message)}");
                    foreach (var hint in failure.Hints)
                        Console.Error.WriteLine($"review: hint: {VisibleText.Escape(hint)}");
                }
            }
            try
            {
                ReportIndex.Write(outputFolder, labels, receivedDays);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ToolException($"the reports were decrypted, but the index could not be written: {e.Message}");
            }
        }
        finally
        {
            foreach (var i in identities)
                i.Dispose();
        }

        Console.Out.WriteLine($"{decrypted} decrypted, {already} already there, {failed} failed; index: {Path.Combine(output.FullName, "index.html")}");
        if (failed > 0)
            return ToolRunner.Fail("review", $"{failed} of {envelopes.Count} files could not be decrypted", FailureHints(decrypted, already, failed, notForThisIdentity));
        return 0;
    }

    /// <summary>Hints that say what actually happened: "the others were decrypted" only when there were others.</summary>
    static List<string> FailureHints(int decrypted, int already, int failed, int notForThisIdentity)
    {
        var hints = new List<string>();
        if (decrypted + already == 0)
            hints.Add("no report was decrypted; the reason for each file is above");
        else
            hints.Add($"the other {decrypted + already} were decrypted ({decrypted} now, {already} before); the reason for each failure is above");
        if (notForThisIdentity == failed && decrypted + already == 0)
            hints.Add("none of them was sealed to this identity: check that --identity is your own NAME.identity, and that these reports came to your organisation");
        else if (notForThisIdentity > 0)
            hints.Add($"{notForThisIdentity} were sealed to other reviewers only (a roster version you are not in): another reviewer of your team can read them");
        return hints;
    }

    /// <summary>The day the server received each envelope, from fetch's manifest.json in the input folder, by file
    /// name. Files carried in by hand have none; a damaged manifest costs the days, not the decryption.</summary>
    static IReadOnlyDictionary<string, string> ReceivedDays(string inputFolder)
    {
        try
        {
            return Manifest.Load(inputFolder).ReceivedDays();
        }
        catch (ToolException e)
        {
            Console.Error.WriteLine($"review: warning: {VisibleText.Escape(e.Message)}; the index shows no received day for new reports");
            return new Dictionary<string, string>();
        }
    }

    /// <summary>Decrypts into a hidden folder first and renames it when complete, so that a failure (wrong key,
    /// damaged file, bad bundle) leaves no half-written report behind.</summary>
    static (string Folder, OpenedBundle Opened) Decrypt(string envelope, string sha256, string? received, string outputFolder, IReadOnlyList<IIdentity> identities, Labels labels)
    {
        var partial = Path.Combine(outputFolder, ".partial-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        CreatePrivateDirectory(partial);
        try
        {
            var attachments = Path.Combine(partial, "attachments");
            CreatePrivateDirectory(attachments);
            OpenedBundle opened;
            using (var file = File.OpenRead(envelope))
            using (var plaintext = AgeFile.Open(file, identities))
                opened = ReportBundle.Read(plaintext, attachments, new BundleLimits());

            var folder = FreeFolderName(outputFolder, Path.GetFileNameWithoutExtension(envelope));
            AtomicFile.Write(Path.Combine(partial, "report.json"), opened.Document.ToJson(indented: true));
            AtomicFile.Write(Path.Combine(partial, "report.txt"), Encoding.UTF8.GetBytes(ReportText.Render(folder, opened, labels)));
            new DecryptionRecord(Path.GetFileName(envelope), sha256, opened.Warnings, received).Save(partial);
            Directory.Move(partial, Path.Combine(outputFolder, folder));
            return (folder, opened);
        }
        finally
        {
            if (Directory.Exists(partial))
                Directory.Delete(partial, recursive: true);
        }
    }

    /// <summary>The report id is the file name without .age, made a safe folder name; a different envelope
    /// whose name sanitises the same gets "(2)", "(3)"…</summary>
    static string FreeFolderName(string outputFolder, string id)
    {
        var safe = AttachmentName.Sanitize(id);
        for (var attempt = 1; ; attempt++)
        {
            var candidate = AttachmentName.Numbered(safe, attempt);
            if (!ReportIndex.ReservedNames.Contains(candidate) && !Path.Exists(Path.Combine(outputFolder, candidate)))
                return candidate;
        }
    }

    /// <summary>A run that was killed may have left a half-decrypted report (plaintext) behind: remove it.</summary>
    static void RemoveLeftovers(string outputFolder)
    {
        foreach (var leftover in Directory.EnumerateDirectories(outputFolder, ".partial-*"))
            Directory.Delete(leftover, recursive: true);
    }

    /// <summary>SHA-256 of each envelope already decrypted into the output folder, and where.</summary>
    static Dictionary<string, string> KnownEnvelopes(string outputFolder)
    {
        var known = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var folder in Directory.EnumerateDirectories(outputFolder))
            if (DecryptionRecord.Load(folder) is { } record)
                known.TryAdd(record.Sha256, Path.GetFileName(folder));
        return known;
    }

    static string HashFile(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(path);
        else
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>What to tell the reviewer about a file that could not be decrypted; an age failure in the
    /// words every command uses (<see cref="Explain.Age"/>).</summary>
    static ToolException Failure(Exception e) => e switch
    {
        AgeException age => Explain.Age(age, "the file"),
        InvalidDataException => new("decrypted, but not a report bundle: " + e.Message),
        IOException or UnauthorizedAccessException => new("could not be read or written: " + e.Message),
        _ => new($"unexpected error ({e.GetType().Name}): {e.Message}; please report this to the tool's maintainers"),
    };
}
