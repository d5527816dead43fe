using System.Globalization;
using System.Resources;

namespace Reporting.Report.Text;

/// <summary>The words the tool says, in the user's language (English, Korean, Chinese), from
/// Text/Strings*.resx. Chosen by --language, then the configuration, then the system's culture.</summary>
static class UiText
{
    public static readonly IReadOnlyList<string> Languages = ["en", "ko", "zh"];

    static readonly ResourceManager Resources = new("Reporting.Report.Text.Strings", typeof(UiText).Assembly);

    /// <summary>"en", "ko" or "zh".</summary>
    public static string Language { get; private set; } = "en";
    public static CultureInfo Culture { get; private set; } = CultureInfo.GetCultureInfo("en");

    /// <summary>Maps "ko", "ko-KR", "zh-CN", "zh-Hans"… to one of <see cref="Languages"/>; null when none fits.</summary>
    public static string? Normalise(string? language)
    {
        if (string.IsNullOrWhiteSpace(language))
            return null;
        var code = language.Trim().ToLowerInvariant();
        foreach (var known in Languages)
            if (code == known || code.StartsWith(known + "-", StringComparison.Ordinal) || code.StartsWith(known + "_", StringComparison.Ordinal))
                return known;
        return null;
    }

    /// <summary>--language, then the configuration, then the system's culture, then English.</summary>
    public static string Choose(string? option, string? configured) =>
        Normalise(option) ?? Normalise(configured) ?? Normalise(CultureInfo.CurrentUICulture.Name) ?? "en";

    public static void Use(string language)
    {
        Language = Normalise(language) ?? "en";
        // zh-Hans: the satellite assembly's culture; zh-CN, zh-SG fall back to it.
        Culture = CultureInfo.GetCultureInfo(Language == "zh" ? "zh-Hans" : Language);
    }

    public static string Get(string key) =>
        Resources.GetString(key, Culture) ?? throw new InvalidOperationException($"missing text resource {key}");

    public static string Format(string key, params object?[] arguments) =>
        string.Format(Culture, Get(key), arguments);

    /// <summary>Every key of the neutral (English) resources, to check that each translation is complete.</summary>
    internal static IReadOnlyList<string> Keys()
    {
        var set = Resources.GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: false)!;
        return [.. set.Cast<System.Collections.DictionaryEntry>().Select(e => (string)e.Key).Order(StringComparer.Ordinal)];
    }

    internal static string? GetExact(string key, string language)
    {
        var culture = CultureInfo.GetCultureInfo(language == "zh" ? "zh-Hans" : language);
        var set = Resources.GetResourceSet(culture, createIfNotExists: true, tryParents: false);
        return set?.GetString(key);
    }
}
