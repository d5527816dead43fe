using System.Globalization;
using System.Text;

namespace Reporting.Format.Bundles;

/// <summary>Safe attachment file names: one path segment, no control or invisible characters, no leading dot
/// (hidden files, <c>..</c>), no characters Windows refuses, bounded length. Used when writing a bundle and
/// again when reading one, since a crafted bundle can carry any name.</summary>
public static class AttachmentName
{
    /// <summary>In UTF-8 bytes: with <c>attachments/</c> in front the tar name still fits the 100-byte ustar field.</summary>
    public const int MaxBytes = 80;

    static readonly string[] WindowsDeviceNames =
        ["CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
         "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9"];

    /// <summary>A safe file name for <paramref name="name"/>; "attachment" when nothing usable is left.</summary>
    public static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length);
        // Lone surrogates become U+FFFD first: Normalize throws on ill-formed UTF-16.
        var wellFormed = string.Concat(name.EnumerateRunes().Select(r => r.ToString()));
        foreach (var rune in wellFormed.Normalize(NormalizationForm.FormC).EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            var unsafeRune = category is UnicodeCategory.Control or UnicodeCategory.Format or
                    UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or
                    UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
                || rune == Rune.ReplacementChar
                || (rune.IsAscii && "/\\:*?\"<>|".Contains((char)rune.Value));
            if (unsafeRune)
                builder.Append('_');
            else
                builder.Append(rune.ToString());
        }
        var result = builder.ToString().Trim().TrimStart('.').TrimEnd('.', ' ').Trim();
        result = Truncate(result, MaxBytes);
        if (result.Length == 0)
            return "attachment";
        var stem = result.Split('.')[0];
        if (WindowsDeviceNames.Contains(stem, StringComparer.OrdinalIgnoreCase))
            result = "_" + result;
        return Truncate(result, MaxBytes);
    }

    /// <summary>Keeps the extension (when short) and cuts the stem at a character boundary.</summary>
    static string Truncate(string name, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(name) <= maxBytes)
            return name;
        var dot = name.LastIndexOf('.');
        var extension = dot > 0 && name.Length - dot <= 16 ? name[dot..] : "";
        var stem = extension.Length > 0 ? name[..dot] : name;
        var budget = maxBytes - Encoding.UTF8.GetByteCount(extension);
        var kept = new StringBuilder();
        var used = 0;
        foreach (var rune in stem.EnumerateRunes())
        {
            if (used + rune.Utf8SequenceLength > budget)
                break;
            used += rune.Utf8SequenceLength;
            kept.Append(rune.ToString());
        }
        return kept.ToString().TrimEnd('.', ' ') + extension;
    }

    /// <summary>Endings a reviewer's machine opens only in a viewer that runs nothing: the photos the source's
    /// tool scrubs, plain text, and <c>.bin</c>, which nothing opens.</summary>
    static readonly string[] InertExtensions = [".jpg", ".jpeg", ".png", ".gif", ".webp", ".txt", ".bin"];

    /// <summary>What a hostile name becomes on the reviewer's disk (D12): its own ending when that is inert,
    /// else <c>.bin</c> after it (<c>page.html.bin</c>, <c>invoice.docm.bin</c>), so that a double click opens
    /// nothing in a browser, an office suite or a script host; renaming it back is a deliberate act.</summary>
    public static string Inert(string safeName)
    {
        var dot = safeName.LastIndexOf('.');
        var extension = dot > 0 ? safeName[dot..] : "";
        return InertExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase)
            ? safeName
            : Truncate(safeName, MaxBytes - 4) + ".bin";
    }

    /// <summary>The <paramref name="attempt"/>-th alternative for a name already taken: "photo (2).jpg".</summary>
    public static string Numbered(string safeName, int attempt)
    {
        if (attempt <= 1)
            return safeName;
        var dot = safeName.LastIndexOf('.');
        var stem = dot > 0 ? safeName[..dot] : safeName;
        var extension = dot > 0 ? safeName[dot..] : "";
        var suffix = $" ({attempt.ToString(CultureInfo.InvariantCulture)})";
        var budget = MaxBytes - Encoding.UTF8.GetByteCount(suffix + extension);
        return Truncate(stem, Math.Max(budget, 1)) + suffix + extension;
    }
}

/// <summary>Hands out safe names that differ from each other even on case-insensitive file systems; with
/// <paramref name="inert"/> (the reviewer's side) every name also gets an inert ending (<see cref="AttachmentName.Inert"/>).</summary>
public sealed class AttachmentNames(bool inert = false)
{
    readonly HashSet<string> taken = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A safe, not yet used name for <paramref name="name"/>.</summary>
    public string Claim(string name)
    {
        var safe = AttachmentName.Sanitize(name);
        if (inert)
            safe = AttachmentName.Inert(safe);
        for (var attempt = 1; ; attempt++)
        {
            var candidate = AttachmentName.Numbered(safe, attempt);
            if (taken.Add(candidate))
                return candidate;
        }
    }
}
