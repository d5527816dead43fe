using System.Globalization;
using System.Net;
using System.Text;
using Reporting.Format.Bundles;

namespace Reporting.Review.Decrypting;

/// <summary>An inline SVG bar chart of reports per month, each bar stacked by category, so a reviewer sees a
/// trend at a glance without any script or external resource. Months come from the sources' "when"; reports
/// without a readable month share one bar at the end.</summary>
static class TrendChart
{
    const int BarWidth = 28, Gap = 14, PlotHeight = 180, Left = 44, Top = 16, Bottom = 64, LegendWidth = 170;

    /// <summary>One colour per category, told apart also in grey scale and by most colour-blind readers (ColorBrewer Dark2).</summary>
    static readonly Dictionary<string, string> Colours = new()
    {
        ["illness"] = "#d95f02", ["death"] = "#333333", ["arrest"] = "#7570b3",
        ["forced-return"] = "#e7298a", ["needs-help"] = "#1b9e77", ["other"] = "#a6761d",
    };

    public static string Svg(IReadOnlyList<DecryptedReport> reports, Labels labels)
    {
        // A category we do not know (a crafted report) is counted as "other" here; the tables show it as written.
        static string Bucket(string category) => ReportDocument.Categories.Contains(category) ? category : "other";
        var unknown = labels["UnknownMonth"];
        var months = reports.Select(r => r.Month).Distinct()
            .OrderBy(m => m is null).ThenBy(m => m, StringComparer.Ordinal).ToList();
        var counts = reports.GroupBy(r => (Month: r.Month, Category: Bucket(r.Document.Category)))
            .ToDictionary(g => g.Key, g => g.Count());
        var highest = Math.Max(1, months.Select(m => reports.Count(r => r.Month == m)).DefaultIfEmpty(0).Max());

        var plotWidth = Math.Max(1, months.Count) * (BarWidth + Gap) + Gap;
        var width = Left + plotWidth + LegendWidth;
        var height = Top + PlotHeight + Bottom;
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{E(labels["ChartTitle"])}\" font-family=\"sans-serif\" font-size=\"11\">\n"));

        // Axis and three grid lines: 0, half, highest.
        foreach (var value in new[] { 0, (highest + 1) / 2, highest }.Distinct())
        {
            var y = Top + PlotHeight - value * PlotHeight / highest;
            svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{y}\" x2=\"{Left + plotWidth}\" y2=\"{y}\" stroke=\"#ddd\"/>"))
               .Append(Invariant($"<text x=\"{Left - 6}\" y=\"{y + 4}\" text-anchor=\"end\">{value}</text>\n"));
        }

        for (var i = 0; i < months.Count; i++)
        {
            var month = months[i];
            var x = Left + Gap + i * (BarWidth + Gap);
            var stacked = 0;
            foreach (var category in ReportDocument.Categories)
            {
                if (!counts.TryGetValue((month, category), out var count))
                    continue;
                var y0 = Top + PlotHeight - (stacked + count) * PlotHeight / highest;
                var h = Top + PlotHeight - stacked * PlotHeight / highest - y0;
                svg.Append(Invariant($"<rect x=\"{x}\" y=\"{y0}\" width=\"{BarWidth}\" height=\"{h}\" fill=\"{Colours[category]}\">"))
                   .Append(Invariant($"<title>{E(month ?? unknown)} · {E(labels.CategoryName(category))}: {count}</title></rect>\n"));
                stacked += count;
            }
            var labelY = Top + PlotHeight + 14;
            svg.Append(Invariant($"<text x=\"{x + BarWidth / 2}\" y=\"{Top + PlotHeight - stacked * PlotHeight / highest - 4}\" text-anchor=\"middle\">{stacked}</text>"))
               .Append(Invariant($"<text x=\"{x + BarWidth / 2}\" y=\"{labelY}\" text-anchor=\"end\" transform=\"rotate(-45 {x + BarWidth / 2} {labelY})\">{E(month ?? unknown)}</text>\n"));
        }

        var legendX = Left + plotWidth + 16;
        for (var i = 0; i < ReportDocument.Categories.Count; i++)
        {
            var category = ReportDocument.Categories[i];
            var y = Top + i * 20;
            svg.Append(Invariant($"<rect x=\"{legendX}\" y=\"{y}\" width=\"12\" height=\"12\" fill=\"{Colours[category]}\"/>"))
               .Append(Invariant($"<text x=\"{legendX + 18}\" y=\"{y + 10}\">{E(labels.CategoryName(category))}</text>\n"));
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    static string E(string value) => WebUtility.HtmlEncode(VisibleText.Escape(value));

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
