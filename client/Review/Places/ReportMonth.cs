using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Reporting.Review.Places;

/// <summary>The month a report is about, as <c>yyyy-MM</c>, from what the source gave as the time: the guided
/// prompt's answer (<c>2023-02</c>, or "not sure"), or free text in the forms sources use (<c>2023-02-14</c>,
/// <c>2023/2</c>, <c>2023年2月</c>, <c>2023년 2월</c>, <c>February 2023</c>, full-width digits). Anything else
/// (<c>last winter</c>, <c>작년 겨울</c>) has no month: guessing one would put a report in the wrong column.</summary>
static partial class ReportMonth
{
    /// <summary>Years outside this range are typing mistakes, not the time of a report.</summary>
    const int FirstYear = 1990, LastYear = 2100;

    static readonly string[] MonthNames =
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    /// <summary>"2023-02", or null when the text names no single month.</summary>
    public static string? Parse(string? when)
    {
        if (string.IsNullOrWhiteSpace(when))
            return null;
        // Full-width digits and letters (２０２３年２月) become ASCII; Hangul and Han stay as they are.
        var text = when.Normalize(NormalizationForm.FormKC);
        foreach (var pattern in (Regex[])[YearThenMonth(), MonthThenYear()])
        {
            var match = pattern.Match(text);
            if (match.Success)
                return Format(match.Groups["year"].Value, MonthNumber(match.Groups["month"].Value));
        }
        return null;
    }

    static int MonthNumber(string month)
    {
        if (int.TryParse(month, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            return number;
        var lower = month.ToLowerInvariant();
        return Array.FindIndex(MonthNames, name => name.StartsWith(lower, StringComparison.Ordinal)) + 1;
    }

    static string? Format(string yearText, int month)
    {
        var year = int.Parse(yearText, NumberStyles.None, CultureInfo.InvariantCulture);
        return year is >= FirstYear and <= LastYear && month is >= 1 and <= 12
            ? string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{month:D2}")
            : null;
    }

    // 2023-02, 2023-02-14, 2023/2, 2023.02, 2023年2月, 2023년 2월, 2023 February, 2023 Feb.
    [GeneratedRegex(@"(?<![0-9])(?<year>[0-9]{4})\s*(?:[-/.]\s*(?<month>[0-9]{1,2})(?![0-9])|年\s*(?<month>[0-9]{1,2})\s*月|년\s*(?<month>[0-9]{1,2})\s*월|\s(?<month>january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex YearThenMonth();

    // February 2023, early Feb. 2023, 02/2023.
    [GeneratedRegex(@"(?:\b(?<month>january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b\.?,?\s*|(?<![0-9])(?<month>[0-9]{1,2})\s*[/.]\s*)(?<year>[0-9]{4})(?![0-9])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MonthThenYear();
}
