using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Reporting.Review.Places;

/// <summary>A place the gazetteer knows: one key for every way sources write it.</summary>
/// <param name="Within">The key of the place one level up (a prefecture's province, a province's country), or null.</param>
sealed record Place(string Key, string? Within, string En, string Ko, string Zh, IReadOnlyList<string> Variants)
{
    /// <summary>The place's name in the reviewer's language (en, ko, zh).</summary>
    public string Name(string language) => language switch { "ko" => Ko, "zh" => Zh, _ => En };
}

sealed record GazetteerFile(IReadOnlyList<string> Suffixes, IReadOnlyList<Place> Places);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(GazetteerFile))]
partial class GazetteerJson : JsonSerializerContext;

/// <summary>Maps a region as a source wrote it (<c>Jilin province</c>, <c>길림성</c>, <c>지린성</c>, <c>吉林省</c>) to one
/// <see cref="Place"/>, so the index counts one place once whatever the script or spelling. The places are
/// Places/gazetteer.json, built into the tool: the offline machine needs nothing else. What it does not know
/// stays as written: a wrong match would put a report in the wrong place, so matching is strict (whole name,
/// after dropping words such as "province", 성, 省; else a known name inside the text, the most precise one).</summary>
sealed class Gazetteer
{
    readonly Dictionary<string, Place> byVariant = new(StringComparer.Ordinal);
    readonly Dictionary<string, Place> byKey = new(StringComparer.Ordinal);
    readonly List<string> suffixes;

    Gazetteer(GazetteerFile file)
    {
        suffixes = [.. file.Suffixes.Select(Normalise).Where(s => s.Length > 0).OrderByDescending(s => s.Length)];
        foreach (var place in file.Places)
        {
            if (!byKey.TryAdd(place.Key, place))
                throw new InvalidDataException($"the gazetteer lists {place.Key} twice");
            foreach (var variant in place.Variants.Append(place.En).Append(place.Ko).Append(place.Zh).Select(Normalise).Where(v => v.Length > 0))
                if (byVariant.TryGetValue(variant, out var other) && other != place)
                    throw new InvalidDataException($"the gazetteer gives {variant} to both {other.Key} and {place.Key}");
                else
                    byVariant[variant] = place;
        }
        foreach (var place in file.Places)
            if (place.Within is not null && !byKey.ContainsKey(place.Within))
                throw new InvalidDataException($"the gazetteer puts {place.Key} within {place.Within}, which it does not list");
    }

    /// <summary>The gazetteer built into the tool.</summary>
    public static Gazetteer BuiltIn { get; } = Load();

    static Gazetteer Load()
    {
        using var stream = typeof(Gazetteer).Assembly.GetManifestResourceStream("Reporting.Review.Places.gazetteer.json")
            ?? throw new InvalidOperationException("the gazetteer is missing from the tool");
        var file = JsonSerializer.Deserialize(stream, GazetteerJson.Default.GazetteerFile)
            ?? throw new InvalidDataException("the gazetteer is empty");
        return new Gazetteer(file);
    }

    public Place? this[string key] => byKey.GetValueOrDefault(key);

    /// <summary>The place a source named, or null when the gazetteer does not know it (it then stays as written).</summary>
    public Place? Find(string? written)
    {
        var name = Normalise(written ?? "");
        if (name.Length == 0)
            return null;
        if (byVariant.TryGetValue(name, out var exact))
            return exact;
        // "Jilin province", "연변 조선족자치주", "平安北道": the name once the words for its kind are dropped.
        for (var stripped = StripSuffix(name); stripped is not null; stripped = StripSuffix(stripped))
            if (byVariant.TryGetValue(stripped, out var place))
                return place;
        // "Yanji, Jilin", "吉林省延边州": known names inside the text; the most precise wins, then the longest name.
        // A name in Latin letters counts only as whole words ("Ji'an" is not inside "Jiangsu"); Chinese is written
        // without spaces, so a Han or Hangul name counts wherever it stands.
        var words = Words(written!);
        return byVariant.Where(v => v.Key.Length >= 2 && (v.Key.All(char.IsAscii) ? words.Contains(v.Key) : name.Contains(v.Key, StringComparison.Ordinal)))
            .OrderByDescending(v => Depth(v.Value)).ThenByDescending(v => v.Key.Length).ThenBy(v => v.Value.Key, StringComparer.Ordinal)
            .Select(v => v.Value).FirstOrDefault();
    }

    /// <summary>0 for a country, 1 for a province, 2 for a prefecture.</summary>
    public int Depth(Place place)
    {
        var depth = 0;
        for (var up = place.Within; up is not null && depth < 8; up = byKey[up].Within)
            depth++;
        return depth;
    }

    /// <summary>The place itself when it is a province or a country, else the province it lies in.</summary>
    public Place Province(Place place)
    {
        while (Depth(place) > 1)
            place = byKey[place.Within!];
        return place;
    }

    /// <summary>Runs of one to four consecutive words of the text, each normalised: "Yanji, Jilin" gives yanji,
    /// jilin and yanjijilin.</summary>
    static HashSet<string> Words(string text)
    {
        var words = text.Normalize(NormalizationForm.FormKC).Split((char[])[' ', ',', '.', ';', '/', '(', ')', '-', '\t', '\u3000', '、', '，'], StringSplitOptions.RemoveEmptyEntries)
            .Select(Normalise).Where(w => w.Length > 0).Take(32).ToList();
        var runs = new HashSet<string>(StringComparer.Ordinal);
        for (var start = 0; start < words.Count; start++)
            for (var length = 1; length <= 4 && start + length <= words.Count; length++)
                runs.Add(string.Concat(words.Skip(start).Take(length)));
        return runs;
    }

    string? StripSuffix(string name)
    {
        foreach (var suffix in suffixes)
            if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.Ordinal))
                return name[..^suffix.Length];
        return null;
    }

    /// <summary>Full-width and compatibility forms folded (NFKC), lower case, letters and digits only:
    /// "Jilin Province", "JILIN-province" and "Ｊｉｌｉｎ　province" are one name.</summary>
    public static string Normalise(string text)
    {
        var folded = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        var name = new StringBuilder(folded.Length);
        foreach (var rune in folded.EnumerateRunes())
            if (Rune.IsLetterOrDigit(rune))
                name.Append(rune.ToString());
        return name.ToString();
    }
}
