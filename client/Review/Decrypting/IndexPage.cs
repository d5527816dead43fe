using System.Text;
using Reporting.Format.Bundles;
using Reporting.Review.Places;
using static Reporting.Review.Decrypting.HtmlPage;
using static Reporting.Review.Decrypting.ReportFields;

namespace Reporting.Review.Decrypting;

/// <summary>index.html: the questions reviewers ask of a pile of reports, answered on one page without a line
/// of script: how many of each kind per month, where, when they arrived; then every report, newest first, and
/// the same reports grouped by category and by region in folding sections. Reports marked spam are left out
/// of all of it and listed, folded, at the end.</summary>
static class IndexPage
{
    public static string Render(IReadOnlyList<DecryptedReport> all, Labels labels)
    {
        var reports = all.Where(r => !r.IsSpam).ToList();
        var spam = all.Where(r => r.IsSpam).ToList();
        var html = new StringBuilder(Head(labels, labels["IndexTitle"]));
        html.Append($"<h1>{H(labels["IndexTitle"])} ({Count(reports.Count)})</h1>\n");
        html.Append($"<p class=\"note\">{H(labels["IndexNote"])}</p>\n");
        html.Append("<nav>");
        foreach (var (anchor, label) in Sections)
            html.Append($"<a href=\"#{anchor}\">{H(labels[label])}</a>");
        html.Append("</nav>\n");
        Statuses(html, all, labels);

        html.Append($"<h2 id=\"months\">{H(labels["ChartTitle"])}</h2>\n");
        html.Append(TrendChart.Svg(reports, labels)).Append('\n');
        CategoryByMonth(html, reports, labels);
        html.Append($"<h2 id=\"regions\">{H(labels["ByRegion"])}</h2>\n");
        Regions(html, reports, labels);
        html.Append($"<h2 id=\"days\">{H(labels["ByReceivedDay"])}</h2>\n");
        Counts(html, labels["Received"], reports.GroupBy(r => r.Received ?? "").OrderByDescending(g => g.Key, StringComparer.Ordinal)
            .Select(g => (H(g.Key.Length == 0 ? labels["UnknownDay"] : g.Key), g.Count())), reports.Count, labels);

        html.Append($"<h2 id=\"reports\">{H(labels["ReportsByDay"])}</h2>\n");
        Table(html, reports, labels);
        html.Append($"<h2 id=\"by-category\">{H(labels["GroupedByCategory"])}</h2>\n");
        foreach (var group in reports.GroupBy(r => r.Document.Category).OrderBy(g => CategoryOrder(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal))
            Folded(html, H(labels.CategoryName(group.Key)), group, labels);
        html.Append($"<h2 id=\"by-region\">{H(labels["GroupedByRegion"])}</h2>\n");
        foreach (var group in reports.GroupBy(RegionGroup).OrderBy(g => g.Key.Order, StringComparer.Ordinal))
            Folded(html, group.Key.Label(labels), group, labels);
        html.Append($"<h2 id=\"spam\">{H(labels["Status_spam"])} ({Count(spam.Count)})</h2>\n");
        html.Append($"<p class=\"note\">{H(labels["SpamNote"])}</p>\n");
        if (spam.Count > 0)
            Folded(html, H(labels["Status_spam"]), spam, labels);
        return html.Append(Foot).ToString();
    }

    static readonly (string Anchor, string Label)[] Sections =
    [
        ("months", "ChartTitle"), ("regions", "ByRegion"), ("days", "ByReceivedDay"), ("reports", "ReportsByDay"),
        ("by-category", "GroupedByCategory"), ("by-region", "GroupedByRegion"), ("spam", "Status_spam"),
    ];

    static int CategoryOrder(string category) => ReportDocument.Categories.Contains(category)
        ? ReportDocument.Categories.ToList().IndexOf(category) : ReportDocument.Categories.Count;

    /// <summary>Newest received first; reports carried in by hand (no day) last; then by id, so the order never shuffles.</summary>
    static IEnumerable<DecryptedReport> ByReceived(IEnumerable<DecryptedReport> reports) =>
        reports.OrderBy(r => r.Received is null).ThenByDescending(r => r.Received, StringComparer.Ordinal).ThenBy(r => r.Id, StringComparer.Ordinal);

    static string Link(DecryptedReport report) => $"<a href=\"{Href(report.Id, "report.html")}\">{H(report.Id)}</a>";

    static void Statuses(StringBuilder html, IReadOnlyList<DecryptedReport> all, Labels labels)
    {
        html.Append("<p>");
        foreach (var status in Triage.TriageBook.Statuses)
            html.Append($"<span class=\"status-{H(status)}\">{H(labels["Status_" + status])}</span>: {Count(all.Count(r => r.Triage.Status == status))} &nbsp; ");
        html.Append("</p>\n");
    }

    /// <summary>The chart's numbers as a table: a row per category, a column per month.</summary>
    static void CategoryByMonth(StringBuilder html, IReadOnlyList<DecryptedReport> reports, Labels labels)
    {
        var months = reports.Select(r => r.Month).Distinct().OrderBy(m => m is null).ThenBy(m => m, StringComparer.Ordinal).ToList();
        html.Append($"<table>\n<tr><th>{H(labels["Category"])}</th>");
        foreach (var month in months)
            html.Append($"<th class=\"n\">{H(month ?? labels["UnknownMonth"])}</th>");
        html.Append($"<th class=\"n\">{H(labels["Total"])}</th></tr>\n");
        foreach (var group in reports.GroupBy(r => r.Document.Category).OrderBy(g => CategoryOrder(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            html.Append($"<tr><td>{H(labels.CategoryName(group.Key))}</td>");
            foreach (var month in months)
                html.Append($"<td class=\"n\">{Count(group.Count(r => r.Month == month))}</td>");
            html.Append($"<td class=\"n\">{Count(group.Count())}</td></tr>\n");
        }
        html.Append($"<tr><th>{H(labels["Total"])}</th>");
        foreach (var month in months)
            html.Append($"<th class=\"n\">{Count(reports.Count(r => r.Month == month))}</th>");
        html.Append($"<th class=\"n\">{Count(reports.Count)}</th></tr>\n</table>\n");
    }

    /// <summary>A row per province (or country) with every report in it, its prefectures indented below; places the
    /// gazetteer does not know, as written, after them.</summary>
    static void Regions(StringBuilder html, IReadOnlyList<DecryptedReport> reports, Labels labels)
    {
        var gazetteer = Gazetteer.BuiltIn;
        var rows = new List<(string Label, int Count)>();
        foreach (var province in reports.Where(r => r.Place is not null).GroupBy(r => gazetteer.Province(r.Place!)).OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Key, StringComparer.Ordinal))
        {
            rows.Add(($"{H(PlaceName(province.Key, labels))}", province.Count()));
            foreach (var prefecture in province.Where(r => r.Place != province.Key).GroupBy(r => r.Place!).OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Key, StringComparer.Ordinal))
                rows.Add(($"<span class=\"sub\">↳ {H(prefecture.Key.Name(Language(labels)[..2]))}</span>", prefecture.Count()));
        }
        foreach (var written in reports.Where(r => r.Place is null).GroupBy(r => (r.Document.Region ?? "").Trim()).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
            rows.Add((written.Key.Length == 0 ? H(labels["NotGiven"]) : $"{H(written.Key)} <span class=\"written\">({H(labels["NotInGazetteer"])})</span>", written.Count()));
        Counts(html, labels["Region"], rows, reports.Count, labels);
    }

    static void Counts(StringBuilder html, string heading, IEnumerable<(string Label, int Count)> rows, int total, Labels labels)
    {
        html.Append($"<table>\n<tr><th>{H(heading)}</th><th class=\"n\">{H(labels["Count"])}</th></tr>\n");
        foreach (var (label, count) in rows)
            html.Append($"<tr><td>{label}</td><td class=\"n\">{Count(count)}</td></tr>\n");
        html.Append($"<tr><th>{H(labels["Total"])}</th><th class=\"n\">{Count(total)}</th></tr>\n</table>\n");
    }

    static void Table(StringBuilder html, IEnumerable<DecryptedReport> reports, Labels labels)
    {
        html.Append("<table>\n<tr>");
        foreach (var heading in new[] { "Received", "Report", "Status", "Category", "Region", "Month", "Language", "Attachments", "Excerpt" })
            html.Append($"<th>{H(labels[heading])}</th>");
        html.Append("</tr>\n");
        foreach (var r in ByReceived(reports))
        {
            html.Append($"<tr><td class=\"day\">{Received(r, labels)}</td><td>{Link(r)}</td><td>{Status(r, labels)}</td>")
                .Append($"<td>{H(labels.CategoryName(r.Document.Category))}</td><td>{Region(r, labels)}</td><td class=\"day\">{Month(r, labels)}</td>")
                .Append($"<td>{H(r.Document.Language)}</td><td class=\"n\">{Count(r.AttachmentCount)}</td>")
                .Append($"<td class=\"text\">{H(Excerpt(r.Document.Text, 160))}</td></tr>\n");
        }
        html.Append("</table>\n");
    }

    static void Folded(StringBuilder html, string summary, IEnumerable<DecryptedReport> reports, Labels labels)
    {
        var list = ByReceived(reports).ToList();
        html.Append($"<details><summary>{summary} ({Count(list.Count)})</summary>\n<ul>\n");
        foreach (var r in list)
            html.Append($"<li>{Link(r)} · {Received(r, labels)} · {Status(r, labels)} · {H(labels.CategoryName(r.Document.Category))} · {Region(r, labels)} · {Month(r, labels)} — {H(Excerpt(r.Document.Text, 80))}</li>\n");
        html.Append("</ul>\n</details>\n");
    }

    /// <summary>A report's region group: a known place under its key, else what the source wrote.</summary>
    sealed record RegionKey(Place? Place, string Written)
    {
        public string Order => Place is null ? "~" + Written : Place.Key;

        public string Label(Labels labels) => Place is not null
            ? H(PlaceName(Place, labels))
            : Written.Length == 0 ? H(labels["NotGiven"]) : $"{H(Written)} <span class=\"written\">({H(labels["NotInGazetteer"])})</span>";
    }

    static RegionKey RegionGroup(DecryptedReport report) =>
        new(report.Place, report.Place is null ? (report.Document.Region ?? "").Trim() : "");

    /// <summary>The text on one line, shortened.</summary>
    public static string Excerpt(string text, int length)
    {
        var oneLine = string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return oneLine.Length <= length ? oneLine : oneLine[..length] + "…";
    }
}
