using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Reporting.Format.Bundles;
using Reporting.Report.Text;

namespace Reporting.Report.Guided;

/// <summary>Reads what a source types as they type it: full-width digits and punctuation from a Korean or Chinese
/// input method, a category by number or by name in any of the tool's languages, a month in the way each writes it.</summary>
static partial class Answers
{
    /// <summary>NFKC folds full-width digits, letters and punctuation (１２, ．, －) into their plain forms.</summary>
    public static string Plain(string typed) => typed.Normalize(NormalizationForm.FormKC).Trim().ToLowerInvariant();

    public static int? Number(string typed) =>
        int.TryParse(Plain(typed), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;

    /// <summary>The category meant by a number, its identifier, its name in any language, or one of the words
    /// listed for it (CategoryWords_*); null when none fits.</summary>
    public static string? Category(string typed)
    {
        var categories = ReportDocument.Categories;
        if (Number(typed) is { } number)
            return number >= 1 && number <= categories.Count ? categories[number - 1] : null;
        var plain = Plain(typed);
        if (plain.Length == 0)
            return null;
        foreach (var category in categories)
        {
            if (plain == category)
                return category;
            var key = category.Replace('-', '_');
            foreach (var language in UiText.Languages)
            {
                var names = (UiText.GetExact("Category_" + key, language) ?? UiText.Get("Category_" + key)) + ","
                    + (UiText.GetExact("CategoryWords_" + key, language) ?? UiText.Get("CategoryWords_" + key));
                if (names.Split(',').Select(Plain).Contains(plain))
                    return category;
            }
        }
        return null;
    }

    /// <summary>"2023-02", "2023/2", "2023.2", "2023年2月", "2023년 2월", or a year alone: the year and, when given,
    /// the month. Years from 1950 to next year (a clock a little behind must not refuse this year).</summary>
    public static (int Year, int? Month)? YearMonth(string typed)
    {
        var match = YearMonthPattern().Match(Plain(typed));
        if (!match.Success)
            return null;
        var year = int.Parse(match.Groups["year"].Value, CultureInfo.InvariantCulture);
        if (year < 1950 || year > DateTime.UtcNow.Year + 1)
            return null;
        if (!match.Groups["month"].Success)
            return (year, null);
        var month = int.Parse(match.Groups["month"].Value, CultureInfo.InvariantCulture);
        return month is >= 1 and <= 12 ? (year, month) : null;
    }

    /// <summary>How the report stores it: "2023-02", or "2023" when the month is not known.</summary>
    public static string When(int year, int? month) => month is { } m
        ? string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{m:D2}")
        : year.ToString("D4", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?<year>[0-9]{4})\s*(?:年|년)?\s*(?:[-/.]\s*|\s+)?(?:(?<month>[0-9]{1,2})\s*(?:月|월)?)?$")]
    private static partial Regex YearMonthPattern();
}
