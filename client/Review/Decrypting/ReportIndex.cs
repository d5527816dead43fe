using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Reporting.Format.Bundles;
using Reporting.Format.IO;

namespace Reporting.Review.Decrypting;

/// <summary>index.csv and index.html over every report in the output folder. Both hold words from sources,
/// so both are written for hostile content: CSV cells cannot start a formula, and the HTML page escapes
/// everything, runs no script, loads nothing (strict CSP) and links only to the reports' own folders.</summary>
static partial class ReportIndex
{
    /// <summary>How much of a report's text the index shows.</summary>
    const int ExcerptLength = 160;

    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'";

    public static void Write(string outputFolder, Labels labels)
    {
        var reports = DecryptedReport.LoadAll(outputFolder);
        WriteAtomically(Path.Combine(outputFolder, "index.csv"), Csv(reports));
        WriteAtomically(Path.Combine(outputFolder, "index.html"), Html(reports, labels));
    }

    /// <summary>"2023-02" from "2023-02" or "2023-02-14…"; null when the source gave something else.</summary>
    public static string? Month(string? when)
    {
        var match = MonthPattern().Match(when ?? "");
        return match.Success && int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) is >= 1 and <= 12
            ? match.Groups[1].Value + "-" + match.Groups[2].Value
            : null;
    }

    [GeneratedRegex(@"^\s*([0-9]{4})-([0-9]{2})(?![0-9])")]
    private static partial Regex MonthPattern();

    static string Excerpt(string text)
    {
        var oneLine = string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var escaped = VisibleText.Escape(oneLine);
        return escaped.Length <= ExcerptLength ? escaped : escaped[..ExcerptLength] + "…";
    }

    // ---- CSV ----

    static string Csv(IReadOnlyList<DecryptedReport> reports)
    {
        var csv = new StringBuilder();
        csv.Append("report,category,region,when,language,attachments,warnings,excerpt\r\n");
        foreach (var r in reports)
        {
            string[] cells =
            [
                r.Id, r.Document.Category, r.Document.Region ?? "", r.Document.When ?? "", r.Document.Language,
                r.AttachmentCount.ToString(CultureInfo.InvariantCulture), r.WarningCount.ToString(CultureInfo.InvariantCulture),
                Excerpt(r.Document.Text),
            ];
            csv.AppendJoin(',', cells.Select(CsvCell)).Append("\r\n");
        }
        return csv.ToString();
    }

    /// <summary>Quoted, quotes doubled, control characters visible, and a cell that a spreadsheet would take
    /// for a formula (= + - @, or a tab or CR before one) prefixed with an apostrophe (OWASP CSV injection).</summary>
    public static string CsvCell(string value)
    {
        var cell = VisibleText.Escape(value);
        if (cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
            cell = "'" + cell;
        return "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    // ---- HTML ----

    /// <summary>Text made visible, then HTML-escaped (&amp; &lt; &gt; &quot; &#39;): safe in elements and quoted attributes.</summary>
    static string H(string? value) => WebUtility.HtmlEncode(VisibleText.Escape(value ?? ""));

    static string Html(IReadOnlyList<DecryptedReport> reports, Labels labels)
    {
        var language = labels.Culture.TwoLetterISOLanguageName is "ko" or "zh" ? labels.Culture.Name : "en";
        var html = new StringBuilder();
        html.Append($"""
            <!DOCTYPE html>
            <html lang="{H(language)}">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="{ContentSecurityPolicy}">
            <meta name="referrer" content="no-referrer">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{H(labels["IndexTitle"])}</title>
            <style>
            body {"{"} font-family: sans-serif; margin: 1.5em; color: #222; {"}"}
            table {"{"} border-collapse: collapse; margin: 0.5em 0 1.5em; {"}"}
            th, td {"{"} border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; {"}"}
            td.n {"{"} text-align: right; {"}"}
            td.text {"{"} max-width: 40em; white-space: pre-wrap; overflow-wrap: anywhere; {"}"}
            .note {"{"} color: #555; max-width: 50em; {"}"}
            </style>
            </head>
            <body>
            <h1>{H(labels["IndexTitle"])} ({reports.Count.ToString(CultureInfo.InvariantCulture)})</h1>
            <p class="note">{H(labels["IndexNote"])}</p>

            """);

        html.Append($"<h2>{H(labels["ChartTitle"])}</h2>\n");
        html.Append(TrendChart.Svg(reports, labels)).Append('\n');

        html.Append($"<h2>{H(labels["ByCategory"])}</h2>\n<table>\n<tr><th>{H(labels["Category"])}</th><th>{H(labels["Count"])}</th></tr>\n");
        foreach (var (category, count) in reports.GroupBy(r => r.Document.Category).Select(g => (g.Key, g.Count())).OrderByDescending(g => g.Item2).ThenBy(g => g.Key, StringComparer.Ordinal))
            html.Append($"<tr><td>{WebUtility.HtmlEncode(labels.CategoryName(category))}</td><td class=\"n\">{count.ToString(CultureInfo.InvariantCulture)}</td></tr>\n");
        html.Append($"<tr><th>{H(labels["Total"])}</th><th>{reports.Count.ToString(CultureInfo.InvariantCulture)}</th></tr>\n</table>\n");

        html.Append($"<h2>{H(labels["AllReports"])}</h2>\n<table>\n<tr>");
        foreach (var heading in new[] { "Report", "Category", "Region", "When", "Language", "Attachments", "Warnings", "Excerpt" })
            html.Append($"<th>{H(labels[heading])}</th>");
        html.Append("</tr>\n");
        foreach (var r in reports)
        {
            // Folder names are sanitised names; escaped for the URL, then for the attribute.
            var link = WebUtility.HtmlEncode(Uri.EscapeDataString(r.Id) + "/report.txt");
            html.Append($"<tr><td><a href=\"{link}\">{H(r.Id)}</a></td>")
                .Append($"<td>{WebUtility.HtmlEncode(labels.CategoryName(r.Document.Category))}</td>")
                .Append($"<td>{H(r.Document.Region)}</td><td>{H(r.Document.When)}</td><td>{H(r.Document.Language)}</td>")
                .Append($"<td class=\"n\">{r.AttachmentCount.ToString(CultureInfo.InvariantCulture)}</td>")
                .Append($"<td class=\"n\">{r.WarningCount.ToString(CultureInfo.InvariantCulture)}</td>")
                .Append($"<td class=\"text\">{WebUtility.HtmlEncode(Excerpt(r.Document.Text))}</td></tr>\n");
        }
        html.Append("</table>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>A browser or spreadsheet open on the old index never sees half a new one. The CSV starts with
    /// a byte-order mark so that spreadsheets read Korean and Chinese as UTF-8.</summary>
    static void WriteAtomically(string path, string content)
    {
        var preamble = path.EndsWith(".csv", StringComparison.Ordinal) ? Encoding.UTF8.Preamble : [];
        AtomicFile.Write(path, [.. preamble, .. Encoding.UTF8.GetBytes(content)], replace: true);
    }
}
