using System.Text;
using static Reporting.Review.Decrypting.HtmlPage;
using static Reporting.Review.Decrypting.ReportFields;

namespace Reporting.Review.Decrypting;

/// <summary>report.html in each report's folder: the report as the index shows it, whole, with a link back to
/// the index. Attachments are named, not linked: the page must not invite opening a file a source sent.</summary>
static class ReportPage
{
    public const string FileName = "report.html";

    public static string Render(DecryptedReport report, Labels labels)
    {
        var html = new StringBuilder(Head(labels, $"{labels["Report"]} {report.Id}"));
        html.Append($"<p><a href=\"../index.html\">{H(labels["BackToIndex"])}</a> · <a href=\"{Href("report.txt")}\">report.txt</a></p>\n");
        html.Append($"<h1>{H(labels["Report"])} {H(report.Id)}</h1>\n<table>\n");
        var document = report.Document;
        var note = report.Triage.Note is null ? "" : $" — {H(report.Triage.Note)}";
        (string Label, string Value)[] rows =
        [
            ("Received", Received(report, labels)),
            ("Status", Status(report, labels) + note),
            ("Category", H(labels.CategoryName(document.Category))),
            ("Region", Region(report, labels)),
            ("When", Month(report, labels)),
            ("Language", H(document.Language)),
            ("Reply", H(document.Reply is null ? labels["ReplyNone"] : labels["ReplyPossible"])),
            ("Warnings", report.WarningCount == 0 ? H(labels["None"]) : $"{Count(report.WarningCount)}: report.txt"),
        ];
        foreach (var (label, value) in rows)
            html.Append($"<tr><th>{H(labels[label])}</th><td>{value}</td></tr>\n");
        html.Append($"<tr><th>{H(labels["Attachments"])}</th><td>");
        if (report.Attachments.Count == 0)
            html.Append(H(labels["None"]));
        foreach (var attachment in report.Attachments)
            html.Append($"attachments/{H(attachment.Name)} ({H(attachment.Size.ToString("N0", labels.Culture))} {H(labels["Bytes"])})<br>");
        html.Append("</td></tr>\n</table>\n");
        html.Append($"<h2>{H(labels["Text"])}</h2>\n<p class=\"note\">{H(labels["SourceWords"])}</p>\n");
        html.Append($"<pre>{System.Net.WebUtility.HtmlEncode(Reporting.Format.Bundles.VisibleText.Escape(document.Text, multiline: true))}</pre>\n");
        html.Append($"<p><a href=\"../index.html\">{H(labels["BackToIndex"])}</a></p>\n");
        return html.Append(Foot).ToString();
    }
}
