using System.Text;
using Reporting.Format.IO;
using Reporting.Review.Triage;

namespace Reporting.Review.Decrypting;

/// <summary>The files over every report in the output folder: index.html (<see cref="IndexPage"/>), a report.html
/// in each report's folder (<see cref="ReportPage"/>), and the full export, index.csv and index.jsonl
/// (<see cref="ReportExport"/>). Written afresh by every decrypt and every mark, from the folders, the reviewers'
/// marks and the received days, so they always agree with each other.</summary>
static class ReportIndex
{
    /// <summary>Names in the output folder that are ours: a report's folder never takes one.</summary>
    public static readonly IReadOnlySet<string> ReservedNames =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "index.csv", "index.html", "index.jsonl", TriageBook.FileName };

    public static void Write(string outputFolder, Labels labels, IReadOnlyDictionary<string, string> receivedDays)
    {
        var reports = DecryptedReport.LoadAll(outputFolder, receivedDays, TriageBook.Load(outputFolder));
        foreach (var report in reports)
            WriteAtomically(Path.Combine(outputFolder, report.Id, ReportPage.FileName), ReportPage.Render(report, labels));
        WriteAtomically(Path.Combine(outputFolder, "index.csv"), ReportExport.Csv(reports));
        WriteAtomically(Path.Combine(outputFolder, "index.jsonl"), ReportExport.JsonLines(reports));
        WriteAtomically(Path.Combine(outputFolder, "index.html"), IndexPage.Render(reports, labels));
    }

    /// <summary>A browser or spreadsheet open on the old file never sees half a new one. The CSV starts with
    /// a byte-order mark so that spreadsheets read Korean and Chinese as UTF-8.</summary>
    static void WriteAtomically(string path, string content)
    {
        var preamble = path.EndsWith(".csv", StringComparison.Ordinal) ? Encoding.UTF8.Preamble : [];
        AtomicFile.Write(path, [.. preamble, .. Encoding.UTF8.GetBytes(content)], replace: true);
    }
}
