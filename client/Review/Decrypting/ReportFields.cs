using System.Globalization;
using Reporting.Review.Places;
using static Reporting.Review.Decrypting.HtmlPage;

namespace Reporting.Review.Decrypting;

/// <summary>A report's fields as both pages show them, in HTML: what the tool made of a field first (the place,
/// the month), then what the source wrote beside it, so a reviewer can check every normalisation.</summary>
static class ReportFields
{
    /// <summary>The place's name in the reviewer's language (with its province for a prefecture), then the
    /// source's own words; a place the gazetteer does not know, as written.</summary>
    public static string Region(DecryptedReport report, Labels labels)
    {
        var written = report.Document.Region;
        if (report.Place is not { } place)
            return string.IsNullOrWhiteSpace(written) ? H(labels["NotGiven"]) : H(written);
        return $"{H(PlaceName(place, labels))} <span class=\"written\">({H(written)})</span>";
    }

    /// <summary>"Yanbian · Jilin" for a prefecture, "Jilin" for a province.</summary>
    public static string PlaceName(Place place, Labels labels)
    {
        var language = Language(labels)[..2];
        var province = Gazetteer.BuiltIn.Province(place);
        return province == place ? place.Name(language) : $"{place.Name(language)} · {province.Name(language)}";
    }

    public static string Month(DecryptedReport report, Labels labels)
    {
        var written = report.Document.When;
        var month = report.Month ?? labels["UnknownMonth"];
        return string.IsNullOrWhiteSpace(written) || written.Trim() == report.Month
            ? H(month)
            : $"{H(month)} <span class=\"written\">({H(written)})</span>";
    }

    public static string Received(DecryptedReport report, Labels labels) => H(report.Received ?? labels["UnknownDay"]);

    public static string Status(DecryptedReport report, Labels labels) =>
        $"<span class=\"status-{H(report.Triage.Status)}\">{H(labels["Status_" + report.Triage.Status])}</span>";

    public static string Count(int count) => count.ToString(CultureInfo.InvariantCulture);
}
