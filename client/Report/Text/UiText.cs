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
        // The command-line parser's own words (Usage, Options, its errors) come from its resources in this culture.
        CultureInfo.CurrentUICulture = Culture;
    }

    public static string Get(string key) =>
        Resources.GetString(key, Culture) ?? throw new InvalidOperationException($"missing text resource {key}");

    public static string Format(string key, params object?[] arguments) =>
        string.Format(Culture, Get(key), arguments);

    /// <summary>"report: error: …" with the label in the user's language.</summary>
    public static string Error(string text) => $"report: {Get("LabelError")}: {text}";

    /// <summary>"report: hint: …" with the label in the user's language.</summary>
    public static string Hint(string text) => $"report: {Get("LabelHint")}: {text}";

    /// <summary>A sentence about <paramref name="count"/> things, {0} being the count: KEY_one for exactly one
    /// (English says "1 reviewer"; Korean and Chinese have one form, so their KEY_one says the same as KEY).</summary>
    public static string Count(string key, long count, params object?[] more) =>
        Format(count == 1 ? key + "_one" : key, [count, .. more]);

    /// <summary>A size in the units people meet on their phones: KB up to 100 MB, MB beyond, with the
    /// language's digit grouping. A report is rounded up and a limit down, so a report over a limit never
    /// reads as equal to it.</summary>
    public static string Size(long bytes, bool roundUp)
    {
        var inKilobytes = bytes < 100L << 20;
        var unit = inKilobytes ? 1L << 10 : 1L << 20;
        var amount = roundUp ? (bytes + unit - 1) / unit : bytes / unit;
        return Format(inKilobytes ? "SizeKilobytes" : "SizeMegabytes", amount);
    }

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
