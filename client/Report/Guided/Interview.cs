using Reporting.Cli;
using Reporting.Format.Bundles;
using Reporting.Report.Attachments;
using Reporting.Report.Text;

namespace Reporting.Report.Guided;

/// <summary>Asks for what is missing, one question at a time, in the user's language. Written for
/// someone who rarely uses a computer: numbered choices, an example with every question, a way to
/// skip, and a warning before anything that could identify a person.</summary>
sealed class Interview(TextReader input, TextWriter output)
{
    /// <summary>What ends the free text: a line with only a full stop, as in old mail programs; easy to
    /// type on any keyboard layout, unlike Ctrl-D (which also works).</summary>
    const string EndOfText = ".";

    public void AskCategory(Draft draft)
    {
        output.WriteLine();
        output.WriteLine(UiText.Get("AskCategory"));
        var categories = ReportDocument.Categories;
        for (var i = 0; i < categories.Count; i++)
            output.WriteLine($"  {i + 1}) {CategoryName(categories[i])}");
        while (true)
        {
            var answer = Ask(UiText.Format("AskNumber", categories.Count)).Trim();
            if (int.TryParse(answer, out var number) && number >= 1 && number <= categories.Count)
            {
                draft.Category = categories[number - 1];
                return;
            }
            if (categories.Contains(answer.ToLowerInvariant()))
            {
                draft.Category = answer.ToLowerInvariant();
                return;
            }
            output.WriteLine(UiText.Format("NotAChoice", categories.Count));
        }
    }

    public void AskRegion(Draft draft)
    {
        output.WriteLine();
        output.WriteLine(UiText.Get("AskRegion"));
        output.WriteLine(UiText.Get("WarnRegion"));
        var answer = Ask(UiText.Get("AskRegionPrompt")).Trim();
        draft.Region = answer.Length == 0 ? null : answer;
    }

    public void AskWhen(Draft draft)
    {
        output.WriteLine();
        output.WriteLine(UiText.Get("AskWhen"));
        var answer = Ask(UiText.Get("AskWhenPrompt")).Trim();
        draft.When = answer.Length == 0 ? null : answer;
    }

    public void AskText(Draft draft)
    {
        output.WriteLine();
        output.WriteLine(UiText.Get("AskText"));
        output.WriteLine(UiText.Get("WarnText"));
        output.WriteLine(UiText.Format("HowToEndText", EndOfText));
        var lines = new List<string>();
        while (true)
        {
            var line = input.ReadLine();
            if (line is null || line.Trim() == EndOfText)
                break;
            lines.Add(line);
        }
        var text = string.Join('\n', lines).Trim('\n', '\r', ' ');
        if (text.Length == 0)
        {
            output.WriteLine(UiText.Get("TextEmpty"));
            AskText(draft);
            return;
        }
        draft.Text = text;
    }

    /// <summary>Asks for files one by one, preparing each at once so that the user learns straight away
    /// whether it could be cleaned.</summary>
    public List<PreparedAttachment> AskAttachments(List<PreparedAttachment> prepared, bool allowUnscrubbed)
    {
        output.WriteLine();
        output.WriteLine(UiText.Get("AskAttachments"));
        while (true)
        {
            var path = Unquote(Ask(UiText.Get("AskAttachmentPrompt")));
            if (path.Length == 0)
                return prepared;
            if (!File.Exists(path))
            {
                output.WriteLine(UiText.Format("NoSuchFile", path));
                continue;
            }
            try
            {
                prepared.Add(AttachmentPreparer.Prepare(path, prepared.Count + 1, allowUnscrubbed));
            }
            catch (ToolException e) when (!allowUnscrubbed && ImageScrubber.Recognise(Head(path)) is null)
            {
                output.WriteLine(e.Message);
                foreach (var hint in e.Hints.Take(1))
                    output.WriteLine(hint);
                if (!AskYesNo(UiText.Get("AskSendUnscrubbed")))
                    continue;
                prepared.Add(AttachmentPreparer.Prepare(path, prepared.Count + 1, allowUnscrubbed: true));
            }
            catch (ToolException e)
            {
                output.WriteLine(e.Message);
                continue;
            }
            var last = prepared[^1];
            output.WriteLine(last.Source.Scrubbed
                ? UiText.Format("AttachmentCleaned", last.Source.Name)
                : UiText.Format("AttachmentNotCleaned", last.Source.Name));
        }
    }

    public bool Confirm(Draft draft, IReadOnlyList<PreparedAttachment> attachments, bool reply, int reviewers)
    {
        output.WriteLine();
        output.WriteLine(UiText.Get("SummaryTitle"));
        output.WriteLine($"  {UiText.Get("FieldCategory")}: {CategoryName(draft.Category!)}");
        output.WriteLine($"  {UiText.Get("FieldRegion")}: {draft.Region ?? UiText.Get("NotGiven")}");
        output.WriteLine($"  {UiText.Get("FieldWhen")}: {draft.When ?? UiText.Get("NotGiven")}");
        var text = draft.Text ?? "";
        var preview = text.Length > 200 ? text[..200] + "…" : text;
        output.WriteLine($"  {UiText.Get("FieldText")} ({UiText.Format("Characters", text.Length)}):");
        foreach (var line in preview.Split('\n'))
            output.WriteLine($"    {line}");
        output.WriteLine($"  {UiText.Get("FieldAttachments")}: {(attachments.Count == 0 ? UiText.Get("None") : "")}");
        foreach (var attachment in attachments)
            output.WriteLine($"    {attachment.Source.Name} — " + (attachment.Source.Scrubbed
                ? UiText.Get("Cleaned")
                : UiText.Get("NotCleaned")));
        output.WriteLine($"  {UiText.Get("FieldReply")}: {(reply ? UiText.Get("ReplyYes") : UiText.Get("ReplyNo"))}");
        output.WriteLine(UiText.Format("SummarySealing", reviewers));
        return AskYesNo(UiText.Get("AskSend"));
    }

    public bool AskYesNo(string question)
    {
        while (true)
        {
            var answer = Ask(question + " " + UiText.Get("YesNo")).Trim().ToLowerInvariant();
            if (UiText.Get("YesWords").Split(',').Contains(answer) || answer is "y" or "yes")
                return true;
            if (UiText.Get("NoWords").Split(',').Contains(answer) || answer is "n" or "no")
                return false;
        }
    }

    public static string CategoryName(string category) => UiText.Get("Category_" + category.Replace('-', '_'));

    string Ask(string prompt)
    {
        output.Write(prompt + " ");
        output.Flush();
        return input.ReadLine() ?? throw new ToolException(UiText.Get("Cancelled"));
    }

    /// <summary>File managers paste dragged files as 'quoted' or "quoted" paths.</summary>
    static string Unquote(string path)
    {
        path = path.Trim();
        if (path.Length >= 2 && (path[0] == '\'' || path[0] == '"') && path[^1] == path[0])
            path = path[1..^1];
        return path;
    }

    static byte[] Head(string path)
    {
        using var file = File.OpenRead(path);
        var head = new byte[16];
        var read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return head[..read];
    }
}
