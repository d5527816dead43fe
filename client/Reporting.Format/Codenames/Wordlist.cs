using System.Collections.Frozen;
using System.Text;

namespace Reporting.Format.Codenames;

/// <summary>A codename word list (2048 words, 11 bits a word), shipped as an embedded resource. English is
/// BIP-39's; Korean and Chinese are BIP-39's reviewed for the sources who read them (Wordlists/README.md), with
/// the words taken out still understood at their old places, so codenames made before the review still work.</summary>
public sealed class Wordlist
{
    public const int Size = 2048;

    static readonly Lazy<Wordlist> english = new(() => Load("en", "english", null));
    static readonly Lazy<Wordlist> korean = new(() => Load("ko", "korean_v2", "korean"));
    static readonly Lazy<Wordlist> chinese = new(() => Load("zh", "chinese_v2", "chinese_simplified"));

    readonly string[] words;
    readonly FrozenDictionary<string, int> indices;

    Wordlist(string language, string[] words, string[] earlier)
    {
        Language = language;
        this.words = words;
        // A word of the earlier list that was replaced keeps its place: it spells the same 11 bits as before.
        indices = words.Select((word, index) => KeyValuePair.Create(word, index))
            .Concat(earlier.Select((word, index) => KeyValuePair.Create(word, index)).Where(e => e.Key != words[e.Value]))
            .ToFrozenDictionary(StringComparer.Ordinal);
        Retired = [.. earlier.Where((word, index) => word != words[index])];
    }

    public static Wordlist English => english.Value;
    public static Wordlist Korean => korean.Value;
    public static Wordlist Chinese => chinese.Value;

    /// <summary>Every list, in the order a typed codename is matched against them.</summary>
    public static IReadOnlyList<Wordlist> All => [English, Korean, Chinese];

    /// <summary>"en", "ko", "zh" (or a culture name starting with them); English otherwise.</summary>
    public static Wordlist ForLanguage(string language)
    {
        if (language.StartsWith("ko", StringComparison.OrdinalIgnoreCase))
            return Korean;
        if (language.StartsWith("zh", StringComparison.OrdinalIgnoreCase))
            return Chinese;
        return English;
    }

    public string Language { get; }

    /// <summary>The words in list order, NFKD-normalised as BIP-39 matches them.</summary>
    public IReadOnlyList<string> Words => words;

    /// <summary>Words of the earlier (BIP-39) list that this one replaced: never shown, still read at their old place.</summary>
    public IReadOnlyList<string> Retired { get; }

    /// <summary>True when every word is a single character, so words may be typed without spaces.</summary>
    internal bool SingleCharacterWords => words.All(w => w.Length == 1);

    /// <summary>The word's 11-bit index; the word must already be NFKD-normalised and lowercase.</summary>
    internal bool TryGetIndex(string word, out int index) => indices.TryGetValue(word, out index);

    public override string ToString() => Language;

    static Wordlist Load(string language, string name, string? earlierName)
    {
        var words = Read(name);
        var earlier = earlierName is null ? words : Read(earlierName);
        // Compatibility rests on this: a word in both lists stands at one place, so every old codename reads as before.
        var current = words.ToHashSet(StringComparer.Ordinal);
        if (earlier.Where((word, index) => word != words[index]).Any(current.Contains))
            throw new InvalidOperationException($"the word list {name} moves a word of {earlierName} to another place");
        return new Wordlist(language, words, earlier);
    }

    static string[] Read(string name)
    {
        var resource = $"Reporting.Format.Codenames.Wordlists.{name}.txt";
        using var stream = typeof(Wordlist).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the word list {resource} is not embedded in this build");
        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true));
        var words = reader.ReadToEnd()
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => w.Normalize(NormalizationForm.FormKD))
            .ToArray();
        // A damaged list would silently change what every codename means: refuse to run with one.
        if (words.Length != Size || words.Distinct(StringComparer.Ordinal).Count() != Size)
            throw new InvalidOperationException($"the word list {resource} does not hold {Size} distinct words");
        return words;
    }
}
