using System.Globalization;
using System.Resources;

namespace Reporting.Review.Decrypting;

/// <summary>The words around a report (field names, headings) in the reviewer's language, from
/// Resources/Labels*.resx. The report's own words are never translated.</summary>
sealed class Labels(CultureInfo culture)
{
    static readonly ResourceManager Resources = new("Reporting.Review.Resources.Labels", typeof(Labels).Assembly);

    public static readonly IReadOnlyList<string> Languages = ["en", "ko", "zh"];

    public CultureInfo Culture { get; } = culture;

    /// <summary>The reviewer's choice, else the system's language when we have it, else English.</summary>
    public static Labels For(string? language)
    {
        language ??= CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
        return new Labels(language switch
        {
            "ko" => CultureInfo.GetCultureInfo("ko"),
            "zh" => CultureInfo.GetCultureInfo("zh-Hans"),
            _ => CultureInfo.InvariantCulture,
        });
    }

    public string this[string key] => Resources.GetString(key, Culture) ?? key;

    /// <summary>A known category in the reviewer's words; an unknown one as the source wrote it (made visible).</summary>
    public string CategoryName(string category) =>
        Reporting.Format.Bundles.ReportDocument.Categories.Contains(category)
            ? this["Category_" + category]
            : Reporting.Format.Bundles.VisibleText.Escape(category);
}
