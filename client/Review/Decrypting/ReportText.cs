using System.Globalization;
using System.Text;
using Reporting.Format.Bundles;

namespace Reporting.Review.Decrypting;

/// <summary>report.txt: a report laid out for a person, labels in the reviewer's language, the source's
/// words as written but with every control, bidi and invisible character shown as <c>\u{…}</c>, so that
/// printing the file in a terminal can neither run escape codes nor reorder what is shown.</summary>
static class ReportText
{
    public static string Render(string reportId, OpenedBundle opened, Labels labels)
    {
        var document = opened.Document;
        var text = new StringBuilder();
        var fields = new List<(string Label, string Value)>
        {
            (labels["Report"], VisibleText.Escape(reportId)),
            (labels["Category"], Category(document.Category, labels)),
            (labels["Region"], Given(document.Region, labels)),
            (labels["When"], Given(document.When, labels)),
            (labels["Language"], VisibleText.Escape(document.Language)),
            (labels["Reply"], document.Reply is null ? labels["ReplyNone"] : labels["ReplyPossible"]),
        };
        var width = fields.Max(f => f.Label.Length) + 2;
        foreach (var (label, value) in fields)
            text.Append((label + ":").PadRight(width)).Append(value).Append('\n');

        text.Append('\n').Append(labels["Attachments"]).Append(":\n");
        if (opened.Saved.Count == 0)
            text.Append("  ").Append(labels["None"]).Append('\n');
        foreach (var saved in opened.Saved)
            text.Append("  - attachments/").Append(VisibleText.Escape(Path.GetFileName(saved.Path)))
                .Append(" (").Append(saved.Size.ToString("N0", labels.Culture)).Append(' ').Append(labels["Bytes"])
                .Append(Describe(saved.Declared, labels)).Append(")\n");

        if (opened.Warnings.Count > 0)
        {
            text.Append('\n').Append(labels["Warnings"]).Append(":\n");
            foreach (var warning in opened.Warnings)
                text.Append("  ! ").Append(VisibleText.Escape(warning)).Append('\n');
        }

        text.Append('\n').Append(labels["Text"]).Append(":\n");
        text.Append("# ").Append(labels["SourceWords"]).Append('\n');
        text.Append(new string('-', 72)).Append('\n');
        text.Append(VisibleText.Escape(document.Text, multiline: true));
        if (!document.Text.EndsWith('\n'))
            text.Append('\n');
        return text.ToString();
    }

    static string Category(string category, Labels labels)
    {
        var name = labels.CategoryName(category);
        var code = VisibleText.Escape(category);
        return name == code ? code : $"{name} ({code})";
    }

    static string Given(string? value, Labels labels) =>
        string.IsNullOrWhiteSpace(value) ? labels["NotGiven"] : VisibleText.Escape(value);

    static string Describe(ReportAttachment? declared, Labels labels)
    {
        if (declared is null)
            return ", " + labels["NotListed"];
        // What report.json says about a file is the sender's word, not something this tool checked.
        return string.Create(CultureInfo.InvariantCulture,
            $", {labels["Claimed"]} {VisibleText.Escape(declared.MediaType)}, {(declared.Scrubbed ? labels["Scrubbed"] : labels["NotScrubbed"])}");
    }
}
