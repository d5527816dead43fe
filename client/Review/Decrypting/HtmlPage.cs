using System.Net;
using Reporting.Format.Bundles;

namespace Reporting.Review.Decrypting;

/// <summary>What index.html and every report.html share: the strict policy (no script, nothing loaded from
/// anywhere: a crafted report cannot make the offline machine call out), the style, and escaping. Everything
/// a source wrote goes through <see cref="H"/>.</summary>
static class HtmlPage
{
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'";

    /// <summary>Text made visible (control, bidi and invisible characters as <c>\u{…}</c>), then HTML-escaped
    /// (&amp; &lt; &gt; &quot; &#39;): safe in elements and quoted attributes.</summary>
    public static string H(string? value) => WebUtility.HtmlEncode(VisibleText.Escape(value ?? ""));

    /// <summary>A link to a file under the output folder: each path segment escaped for the URL, then for the attribute.</summary>
    public static string Href(params string[] segments) => WebUtility.HtmlEncode(string.Join('/', segments.Select(Uri.EscapeDataString)));

    /// <summary>The page's language for the browser's choice of font: Korean and Chinese glyphs differ.</summary>
    public static string Language(Labels labels) => labels.Culture.TwoLetterISOLanguageName is "ko" or "zh" ? labels.Culture.Name : "en";

    /// <summary>Everything up to and including <c>&lt;body&gt;</c>.</summary>
    public static string Head(Labels labels, string title) => $"""
        <!DOCTYPE html>
        <html lang="{H(Language(labels))}">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="{ContentSecurityPolicy}">
        <meta name="referrer" content="no-referrer">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{H(title)}</title>
        <style>
        body {"{"} font-family: "Noto Sans CJK KR", "Noto Sans CJK SC", sans-serif; margin: 1.5em; color: #222; {"}"}
        table {"{"} border-collapse: collapse; margin: 0.5em 0 1.5em; {"}"}
        th, td {"{"} border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; {"}"}
        td.n, th.n {"{"} text-align: right; {"}"}
        td {"{"} max-width: 18em; overflow-wrap: break-word; {"}"}
        td.text {"{"} min-width: 24em; max-width: 40em; white-space: pre-wrap; overflow-wrap: anywhere; {"}"}
        td.day {"{"} white-space: nowrap; {"}"}
        td.day .written {"{"} white-space: normal; {"}"}
        td.sub {"{"} padding-left: 2em; {"}"}
        pre {"{"} white-space: pre-wrap; overflow-wrap: anywhere; max-width: 50em; font-family: inherit; border-left: 3px solid #ccc; padding-left: 1em; {"}"}
        .note, .written {"{"} color: #555; {"}"}
        .note {"{"} max-width: 50em; {"}"}
        .status-follow-up {"{"} font-weight: bold; color: #a40; {"}"}
        .status-new {"{"} font-weight: bold; {"}"}
        details {"{"} margin: 0.3em 0; {"}"}
        summary {"{"} cursor: pointer; {"}"}
        nav a {"{"} margin-right: 1em; {"}"}
        </style>
        </head>
        <body>

        """;

    public const string Foot = "</body>\n</html>\n";
}
