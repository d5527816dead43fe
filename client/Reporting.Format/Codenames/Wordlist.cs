using System.Collections.Frozen;
using System.Text;

namespace Reporting.Format.Codenames;

/// <summary>A BIP-39 word list (2048 words, 11 bits a word), shipped as an embedded resource.</summary>
public sealed class Wordlist
{
    public const int Size = 2048;

    static readonly Lazy<Wordlist> english = new(() => Load("en", "english"));
    static readonly Lazy<Wordlist> korean = new(() => Load("ko", "korean"));
    static readonly Lazy<Wordlist> chinese = new(() => Load("zh", "chinese_simplified"));

    readonly string[] words;
    readonly FrozenDictionary<string, int> indices;

    Wordlist(string language, string[] words)
    {
        Language = language;
        this.words = words;
        indices = words.Select((word, index) => KeyValuePair.Create(word, index)).ToFrozenDictionary(StringComparer.Ordinal);
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

    /// <summary>True when every word is a single character, so words may be typed without spaces.</summary>
    internal bool SingleCharacterWords => words.All(w => w.Length == 1);

    /// <summary>The word's 11-bit index; the word must already be NFKD-normalised and lowercase.</summary>
    internal bool TryGetIndex(string word, out int index) => indices.TryGetValue(word, out index);

    public override string ToString() => Language;

    static Wordlist Load(string language, string name)
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
        return new Wordlist(language, words);
    }
}
