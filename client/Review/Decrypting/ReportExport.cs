using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Reporting.Format.Bundles;

namespace Reporting.Review.Decrypting;

/// <summary>One report in the export: every field in full, as the source wrote it and as the tool read it.</summary>
sealed record ExportedReport(
    string Id, string? Received, string Status, string? Note, string Category,
    string? Region, string? RegionKey, string? RegionName, string? When, string? Month,
    string Language, string Text, IReadOnlyList<SavedAttachment> Attachments, int Warnings, bool ReplyPossible);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ExportedReport))]
partial class ExportJson : JsonSerializerContext;

/// <summary>index.csv and index.jsonl: every report with every field in full (spam included, with its status),
/// for a spreadsheet or a script on the offline machine. Both hold words from sources: a CSV cell never starts a
/// formula, and the JSON is escaped by the serializer.</summary>
static class ReportExport
{
    public static readonly string[] CsvColumns =
    [
        "id", "received", "status", "note", "category", "region_as_written", "region_key", "region_name",
        "when_as_written", "month", "language", "attachments", "warnings", "reply_possible", "text",
    ];

    /// <summary>Korean and Chinese stay readable in the file; HTML-sensitive and control characters are still escaped.</summary>
    static readonly ExportJson Json = new(new JsonSerializerOptions(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) });

    static ExportedReport Row(DecryptedReport r) => new(
        r.Id, r.Received, r.Triage.Status, r.Triage.Note, r.Document.Category,
        r.Document.Region, r.Place?.Key, r.Place?.En, r.Document.When, r.Month,
        r.Document.Language, r.Document.Text, r.Attachments, r.WarningCount, r.Document.Reply is not null);

    static IEnumerable<DecryptedReport> Ordered(IReadOnlyList<DecryptedReport> reports) =>
        reports.OrderBy(r => r.Received is null).ThenBy(r => r.Received, StringComparer.Ordinal).ThenBy(r => r.Id, StringComparer.Ordinal);

    public static string Csv(IReadOnlyList<DecryptedReport> reports)
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', CsvColumns).Append("\r\n");
        foreach (var row in Ordered(reports).Select(Row))
        {
            string[] cells =
            [
                row.Id, row.Received ?? "", row.Status, row.Note ?? "", row.Category,
                row.Region ?? "", row.RegionKey ?? "", row.RegionName ?? "", row.When ?? "", row.Month ?? "",
                row.Language,
                string.Join("; ", row.Attachments.Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Name} ({a.Size} bytes)"))),
                row.Warnings.ToString(CultureInfo.InvariantCulture), row.ReplyPossible ? "yes" : "no",
            ];
            csv.AppendJoin(',', cells.Select(c => CsvCell(c))).Append(',').Append(CsvCell(row.Text, multiline: true)).Append("\r\n");
        }
        return csv.ToString();
    }

    public static string JsonLines(IReadOnlyList<DecryptedReport> reports)
    {
        var lines = new StringBuilder();
        foreach (var row in Ordered(reports).Select(Row))
            lines.Append(JsonSerializer.Serialize(row, Json.ExportedReport)).Append('\n');
        return lines.ToString();
    }

    /// <summary>Quoted, quotes doubled, control characters visible (line breaks kept in the text, where a
    /// spreadsheet shows them inside the cell), and a cell that a spreadsheet would take for a formula
    /// (= + - @, or a tab or CR before one) prefixed with an apostrophe (OWASP CSV injection).</summary>
    public static string CsvCell(string value, bool multiline = false)
    {
        var cell = VisibleText.Escape(value, multiline);
        if (cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
            cell = "'" + cell;
        return "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
