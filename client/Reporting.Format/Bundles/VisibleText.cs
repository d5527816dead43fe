using System.Globalization;
using System.Text;

namespace Reporting.Format.Bundles;

/// <summary>Renders text from a report for a person to read: a crafted report must not be able to send
/// escape codes to a terminal, reorder what the reviewer sees with bidi overrides, or hide characters.
/// Such characters are shown as <c>\u{202E}</c>; everything else stays as the source wrote it.</summary>
public static class VisibleText
{
    /// <summary>Makes control, format (bidi, zero-width) and separator characters visible.
    /// With <paramref name="multiline"/> line breaks and tabs are kept (CR LF becomes LF).</summary>
    public static string Escape(string text, bool multiline = false)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (multiline && c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                continue;
            if (multiline && (c == '\n' || c == '\t'))
            {
                builder.Append(c);
                continue;
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var codePoint = char.ConvertToUtf32(c, text[i + 1]);
                if (IsHidden(CharUnicodeInfo.GetUnicodeCategory(codePoint)))
                    AppendEscaped(builder, codePoint);
                else
                    builder.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }
            if (char.IsSurrogate(c) || IsHidden(CharUnicodeInfo.GetUnicodeCategory(c)))
                AppendEscaped(builder, c);
            else
                builder.Append(c);
        }
        return builder.ToString();
    }

    /// <summary>True when the text holds nothing that <see cref="Escape"/> would change on one line.</summary>
    public static bool IsPlain(string text) => Escape(text) == text;

    static bool IsHidden(UnicodeCategory category) => category is
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or
        UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate;

    static void AppendEscaped(StringBuilder builder, int codePoint) =>
        builder.Append("\\u{").Append(codePoint.ToString("X", CultureInfo.InvariantCulture)).Append('}');
}
