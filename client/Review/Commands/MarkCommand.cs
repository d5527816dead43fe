using System.CommandLine;
using Reporting.Cli;
using Reporting.Format.Bundles;
using Reporting.Review.Decrypting;
using Reporting.Review.Triage;

namespace Reporting.Review.Commands;

/// <summary><c>review mark ID STATUS</c> (offline): records a report's triage status (new, read, follow-up, spam)
/// and an optional note in the decrypted-reports folder, and writes the index again to show it. No key, no
/// server: statuses are the reviewers' own notes beside the plaintext, and survive every later decrypt.</summary>
static class MarkCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("ID") { Description = "The report's folder name in the decrypted-reports folder (as the index lists it)" };
        var status = new Argument<string>("STATUS") { Description = "new, read, follow-up or spam (spam is left out of the index's counts and lists)" };
        status.AcceptOnlyFromAmong([.. TriageBook.Statuses]);
        var reports = new Option<DirectoryInfo>("--reports") { Description = "The folder review decrypt wrote (its --out)", Required = true };
        var note = new Option<string?>("--note") { Description = "A short note to keep with the status (an empty one removes the note)" };
        var language = new Option<string?>("--language") { Description = "Language of the labels in the index: en, ko or zh" };
        language.AcceptOnlyFromAmong([.. Labels.Languages]);
        var command = new Command("mark", "Set a report's triage status (offline), kept when decrypt runs again") { id, status, reports, note, language };
        command.SetAction(result => Run(result.GetValue(reports)!, result.GetValue(id)!, result.GetValue(status)!,
            result.GetValue(note), Labels.For(result.GetValue(language))));
        return command;
    }

    static int Run(DirectoryInfo reports, string id, string status, string? note, Labels labels)
    {
        if (!reports.Exists)
            throw new ToolException($"no folder at {reports.FullName}", "give the folder review decrypt wrote (its --out)");
        // Only a report folder of this folder: never a path that leads elsewhere.
        if (id.Length == 0 || id != Path.GetFileName(id) || id.StartsWith('.') || !File.Exists(Path.Combine(reports.FullName, id, "report.json")))
            throw new ToolException($"there is no report {VisibleText.Escape(id)} in {reports.FullName}",
                "use the report's folder name as index.html or index.csv lists it");
        if (note is { Length: > TriageBook.MaxNoteLength })
            throw new ToolException($"the note is longer than {TriageBook.MaxNoteLength} characters", "keep the note short; write longer notes elsewhere");

        var book = TriageBook.Load(reports.FullName);
        book.Mark(id, status, note, DateOnly.FromDateTime(DateTime.UtcNow));
        book.Save();
        ReportIndex.Write(reports.FullName, labels, new Dictionary<string, string>());
        Console.Out.WriteLine($"{VisibleText.Escape(id)}: {status}; index: {Path.Combine(reports.FullName, "index.html")}");
        return 0;
    }
}
