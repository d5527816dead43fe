using Reporting.Cli;
using Reporting.Format.Bundles;
using Reporting.Report.Attachments;
using Reporting.Report.Text;

namespace Reporting.Report.Guided;

/// <summary>Asks for what is missing, one question at a time, in the user's language. Written for
/// someone who rarely uses a computer: numbered choices, an example with every question, a way to
/// skip, a warning before anything that could identify a person, and nothing typed ever lost: a file
/// that cannot go is left out with its reason, and every answer can be changed before sealing.</summary>
sealed class Interview(TextReader input, TextWriter output)
{
    /// <summary>A line with only one of these ends the text, as in old mail programs: the full stop of a plain
    /// keyboard, of a Chinese input method (。) and its full-width form (．).</summary>
    static readonly string[] EndOfText = [".", "。", "．"];

    /// <summary>What a codename is, and that no answer is a choice too, before the first question.</summary>
    public void Introduce(Draft draft, bool askReply)
    {
        output.WriteLine();
        output.WriteLine(UiText.Get("Welcome"));
        output.WriteLine(UiText.Get("WelcomeCtrlC"));
        if (!askReply)
            return;
        output.WriteLine();
        output.WriteLine(UiText.Get("ExplainCodename"));
        output.WriteLine(UiText.Get("ExplainNoReply"));
        AskReply(draft);
    }

    void AskReply(Draft draft)
    {
        output.WriteLine();
        output.WriteLine(UiText.Get("AskReply"));
        output.WriteLine($"  1) {UiText.Format("ReplyWords", 8)}");
        output.WriteLine($"  2) {UiText.Format("ReplyDigits", 28)}");
        output.WriteLine($"  3) {UiText.Get("ReplyNone")}");
        draft.Reply = AskNumber(3) switch { 1 => ReplyForm.Words, 2 => ReplyForm.Digits, _ => ReplyForm.None };
    }

    public void AskCategory(Draft draft)
    {
        output.WriteLine();
        output.WriteLine(UiText.Get("AskCategory"));
        var categories = ReportDocument.Categories;
        for (var i = 0; i < categories.Count; i++)
            output.WriteLine($"  {i + 1}) {CategoryName(categories[i])}");
        while (true)
        {
            if (Answers.Category(Ask(UiText.Format("AskNumber", categories.Count))) is { } category)
            {
                draft.Category = category;
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

    /// <summary>The year, then the month, each with "not sure" (Enter); a whole date typed at once is understood too.</summary>
    public void AskWhen(Draft draft)
    {
        output.WriteLine();
        output.WriteLine(UiText.Get("AskWhen"));
        while (true)
        {
            var typed = Ask(UiText.Get("AskYearPrompt"));
            if (Answers.Plain(typed).Length == 0)
            {
                draft.When = null;
                return;
            }
            if (Answers.YearMonth(typed) is not { } date)
            {
                output.WriteLine(UiText.Format("NotAYear", DateTime.UtcNow.Year));
                continue;
            }
            var month = date.Month;
            while (month is null)
            {
                var typedMonth = Ask(UiText.Get("AskMonthPrompt"));
                if (Answers.Plain(typedMonth).Length == 0)
                    break;
                if (Answers.Number(typedMonth) is { } m and >= 1 and <= 12)
                    month = m;
                else
                    output.WriteLine(UiText.Format("NotAChoice", 12));
            }
            draft.When = Answers.When(date.Year, month);
            return;
        }
    }

    public void AskText(Draft draft)
    {
        output.WriteLine();
        output.WriteLine(UiText.Get("AskText"));
        output.WriteLine(UiText.Get("WarnText"));
        output.WriteLine(UiText.Get("HowToEndText"));
        while (true)
        {
            var text = ReadText();
            if (text.Length > 0)
            {
                draft.Text = text;
                return;
            }
            output.WriteLine(UiText.Get("TextEmpty"));
        }
    }

    /// <summary>Lines until an empty line twice, a full stop alone, or the end of input (Ctrl-D).</summary>
    string ReadText()
    {
        var lines = new List<string>();
        while (input.ReadLine() is { } line)
        {
            if (EndOfText.Contains(line.Trim()))
                break;
            if (line.Trim().Length == 0 && lines.Count > 0 && lines[^1].Trim().Length == 0)
                break;
            lines.Add(line);
        }
        return string.Join('\n', lines).Trim('\n', '\r', ' ', '\u3000');
    }

    /// <summary>Asks for files one by one, preparing each at once so that the user learns straight away
    /// whether it could be cleaned and whether it fits; a file that cannot go is left out, with its reason,
    /// and the report goes on without it. <paramref name="tooLarge"/> says why the report with these
    /// attachments would be too large for the server, or null.</summary>
    public void AskAttachments(Draft draft, bool allowUnscrubbed, Func<IReadOnlyList<PreparedAttachment>, string?> tooLarge)
    {
        output.WriteLine();
        output.WriteLine(UiText.Get("AskAttachments"));
        while (true)
        {
            var path = Unquote(Ask(UiText.Get("AskAttachmentPrompt")));
            if (path.Length == 0)
                return;
            if (!File.Exists(path))
            {
                output.WriteLine(UiText.Format("NoSuchFile", path));
                continue;
            }
            if (Prepare(path, draft.Attachments.Count + 1, allowUnscrubbed) is not { } prepared)
                continue;
            if (tooLarge([.. draft.Attachments, prepared]) is { } reason)
            {
                output.WriteLine(reason);
                output.WriteLine(UiText.Get("AttachmentLeftOut"));
                continue;
            }
            draft.Attachments.Add(prepared);
            output.WriteLine(prepared.Source.Scrubbed
                ? UiText.Format("AttachmentCleaned", prepared.Source.Name)
                : UiText.Format("AttachmentNotCleaned", prepared.Source.Name));
        }
    }

    /// <summary>The file made ready, or null (said why) when it cannot go: the report is kept either way.</summary>
    PreparedAttachment? Prepare(string path, int number, bool allowUnscrubbed)
    {
        try
        {
            return AttachmentPreparer.Prepare(path, number, allowUnscrubbed);
        }
        catch (ToolException e) when (!allowUnscrubbed && e.Hints.Contains(UiText.Get("HintAllowUnscrubbed")))
        {
            output.WriteLine(e.Message);
            output.WriteLine(e.Hints[0]);
            return AskYesNo(UiText.Get("AskSendUnscrubbed")) ? Prepare(path, number, allowUnscrubbed: true) : null;
        }
        catch (ToolException e)
        {
            output.WriteLine(e.Message);
            output.WriteLine(UiText.Get("AttachmentLeftOut"));
            return null;
        }
    }

    /// <summary>Shows everything, numbered; any answer can be asked again before sealing. True: seal it;
    /// false: the source chose, and confirmed, to throw it away.</summary>
    public bool Review(Draft draft, int reviewers, bool allowUnscrubbed, Func<IReadOnlyList<PreparedAttachment>, string?> tooLarge)
    {
        while (true)
        {
            ShowSummary(draft, reviewers);
            var typed = Ask(UiText.Get("AskSendOrChange"));
            var plain = Answers.Plain(typed);
            if (IsYes(plain))
                return true;
            if (IsNo(plain))
            {
                if (AskYesNo(UiText.Get("AskDiscard")))
                    return false;
                continue;
            }
            switch (Answers.Number(typed))
            {
                case 1: AskCategory(draft); break;
                case 2: AskRegion(draft); break;
                case 3: AskWhen(draft); break;
                case 4: AskText(draft); break;
                case 5:
                    draft.Attachments.Clear();
                    output.WriteLine(UiText.Get("AttachmentsCleared"));
                    AskAttachments(draft, allowUnscrubbed, tooLarge);
                    break;
                case 6: AskReply(draft); break;
                default: output.WriteLine(UiText.Get("NotASummaryChoice")); break;
            }
        }
    }

    void ShowSummary(Draft draft, int reviewers)
    {
        output.WriteLine();
        output.WriteLine(UiText.Get("SummaryTitle"));
        output.WriteLine("  1) " + UiText.Format("SummaryField", UiText.Get("FieldCategory"), CategoryName(draft.Category!)));
        output.WriteLine("  2) " + UiText.Format("SummaryField", UiText.Get("FieldRegion"), draft.Region ?? UiText.Get("NotGiven")));
        output.WriteLine("  3) " + UiText.Format("SummaryField", UiText.Get("FieldWhen"), draft.When ?? UiText.Get("NotSure")));
        var text = draft.Text ?? "";
        var preview = text.Length > 200 ? text[..200] + "…" : text;
        output.WriteLine("  4) " + UiText.Format("SummaryTextField", UiText.Get("FieldText"), UiText.Count("Characters", text.Length)));
        foreach (var line in preview.Split('\n'))
            output.WriteLine($"       {line}");
        output.WriteLine("  5) " + UiText.Format("SummaryField", UiText.Get("FieldAttachments"), draft.Attachments.Count == 0 ? UiText.Get("None") : "").TrimEnd());
        foreach (var attachment in draft.Attachments)
            output.WriteLine($"       {attachment.Source.Name} — " + (attachment.Source.Scrubbed ? UiText.Get("Cleaned") : UiText.Get("NotCleaned")));
        output.WriteLine("  6) " + UiText.Format("SummaryField", UiText.Get("FieldReply"), ReplyName(draft.Reply)));
        output.WriteLine(UiText.Count("SummarySealing", reviewers));
    }

    /// <summary>Says why the report cannot be sealed as it is; the summary follows, to change it.</summary>
    public void Refuse(string reason)
    {
        output.WriteLine();
        output.WriteLine(reason);
        output.WriteLine(UiText.Get("HintRemoveAttachment"));
    }

    public bool AskYesNo(string question)
    {
        while (true)
        {
            var answer = Answers.Plain(Ask(question + " " + UiText.Get("YesNo")));
            if (IsYes(answer))
                return true;
            if (IsNo(answer))
                return false;
        }
    }

    int AskNumber(int count)
    {
        while (true)
        {
            if (Answers.Number(Ask(UiText.Format("AskNumber", count))) is { } number && number >= 1 && number <= count)
                return number;
            output.WriteLine(UiText.Format("NotAChoice", count));
        }
    }

    static bool IsYes(string plain) => plain.Length > 0 && (UiText.Get("YesWords").Split(',').Contains(plain) || plain is "y" or "yes");
    static bool IsNo(string plain) => plain.Length > 0 && (UiText.Get("NoWords").Split(',').Contains(plain) || plain is "n" or "no");

    public static string CategoryName(string category) => UiText.Get("Category_" + category.Replace('-', '_'));

    static string ReplyName(ReplyForm reply) => reply switch
    {
        ReplyForm.Words => UiText.Format("ReplyWords", 8),
        ReplyForm.Digits => UiText.Format("ReplyDigits", 28),
        _ => UiText.Get("ReplyNone"),
    };

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
}
