using System.CommandLine;
using System.Text;
using Reporting.Cli;
using Reporting.Format.Age;
using Reporting.Format.Bundles;
using Reporting.Format.Codenames;
using Reporting.Format.Rosters;
using Reporting.Report.Attachments;
using Reporting.Report.Delivery;
using Reporting.Report.Guided;
using Reporting.Report.Home;
using Reporting.Report.Outbox;
using Reporting.Report.Text;

namespace Reporting.Report.Commands;

/// <summary><c>report submit</c>: compose (guided where fields are missing and a terminal is attached),
/// scrub, seal to the roster, queue in the outbox, deliver, or export for carrying by hand.</summary>
static class SubmitCommand
{
    /// <summary>report.json is read back with a 1 MiB bound; leave room for the rest of the document.</summary>
    const int MaxTextChars = 256 * 1024;

    public static Command Create()
    {
        var category = new Option<string>("--category") { Description = UiText.Get("Help_submit_category") };
        var region = new Option<string>("--region") { Description = UiText.Get("Help_submit_region") };
        var when = new Option<string>("--when") { Description = UiText.Get("Help_submit_when") };
        var textFile = new Option<string>("--text-file") { Description = UiText.Get("Help_submit_text_file") };
        var attach = new Option<string[]>("--attach") { Description = UiText.Get("Help_submit_attach") };
        var allowUnscrubbed = new Option<bool>("--allow-unscrubbed") { Description = UiText.Get("Help_submit_allow_unscrubbed") };
        var noReply = new Option<bool>("--no-reply") { Description = UiText.Get("Help_submit_no_reply") };
        var digits = new Option<bool>("--digits") { Description = UiText.Get("Help_submit_digits") };
        var yes = new Option<bool>("--yes") { Description = UiText.Get("Help_submit_yes") };
        var export = new Option<string>("--export") { Description = UiText.Get("Help_submit_export") };
        var armor = new Option<bool>("--armor") { Description = UiText.Get("Help_submit_armor") };
        var proxy = CommonOptions.Proxy(UiText.Get("Help_proxy_once"));
        var receiptFile = CommonOptions.ReceiptFile;
        var command = new Command("submit", UiText.Get("Help_submit"))
        {
            category, region, when, textFile, attach, allowUnscrubbed, noReply, digits, yes, export, armor, proxy, receiptFile,
            CommonOptions.Timeout, CommonOptions.Attempts,
        };

        command.SetAction(result => CommonOptions.Guard(() =>
        {
            var (home, loaded) = CommonOptions.Start(result);
            var config = loaded ?? home.LoadConfig();
            var exportPath = result.GetValue(export);
            if (result.GetValue(armor) && exportPath is null)
                throw new ToolException(UiText.Get("ArmorNeedsExport"));
            // Checked before anything is written: the user must not compose a report only to lose it here.
            if (exportPath is not null && (File.Exists(exportPath) || Directory.Exists(exportPath)))
                throw new ToolException(UiText.Format("ExportExists", exportPath));
            var channel = exportPath is null ? Channel.Create(config.Server, result.GetValue(proxy) ?? config.Proxy) : null;
            var policy = CommonOptions.Policy(result);
            var allow = result.GetValue(allowUnscrubbed);

            var draft = new Draft
            {
                Category = Category(result.GetValue(category)),
                Region = Clean(result.GetValue(region)),
                When = When(result.GetValue(when)),
                Text = ReadText(result.GetValue(textFile)),
                Reply = result.GetValue(noReply) ? ReplyForm.None : result.GetValue(digits) ? ReplyForm.Digits : ReplyForm.Words,
            };
            var guided = !result.GetValue(yes) && !Console.IsInputRedirected;
            if (!guided && (draft.Category is null || draft.Text is null))
                throw new ToolException(UiText.Get("MissingFields"), UiText.Get("HintMissingFields"));

            // The roster first: nobody should write a long report only to learn it cannot be sealed. The server's
            // limit comes with it (or from the last time it was fetched).
            var roster = RosterStore.Current(home, config, channel, policy).Roster;
            policy = policy with { MaxEnvelopeBytes = ServerLimits.MaxEnvelopeBytes(home) };
            // A report carried by hand (--export) never meets the server's limit.
            var limit = new EnvelopeLimit(roster, exportPath is null ? policy.MaxEnvelopeBytes : null);

            var paths = result.GetValue(attach) ?? [];
            for (var i = 0; i < paths.Length; i++)
                draft.Attachments.Add(AttachmentPreparer.Prepare(paths[i], i + 1, allow));
            foreach (var attachment in draft.Attachments.Where(a => !a.Source.Scrubbed))
                Console.Error.WriteLine($"report: {UiText.Format("WarnUnscrubbed", attachment.OriginalPath)}");

            using var interruption = new Interruption(Console.Error, askFirst: guided);
            var reply = new ReplyKeys(config, roster.RecipientKind());
            if (guided)
            {
                var interview = new Interview(Console.In, Console.Error);
                interview.Introduce(draft, askReply: !result.GetValue(noReply) && !result.GetValue(digits));
                if (draft.Category is null) interview.AskCategory(draft);
                if (result.GetResult(region) is null) interview.AskRegion(draft);
                if (result.GetResult(when) is null) interview.AskWhen(draft);
                if (draft.Text is null) interview.AskText(draft);
                string? TooLarge(IReadOnlyList<PreparedAttachment> attachments) => limit.Problem(DocumentOf(draft, null), Sources(attachments));
                if (result.GetResult(attach) is null) interview.AskAttachments(draft, allow, TooLarge);
                while (true)
                {
                    if (!interview.Review(draft, roster.Reviewers.Count, allow, TooLarge))
                        throw new ToolException(UiText.Get("Cancelled"));
                    reply.Choose(draft.Reply);
                    if (limit.Problem(DocumentOf(draft, reply.Address), Sources(draft.Attachments)) is not { } problem)
                        break;
                    interview.Refuse(problem);
                }
            }
            else
            {
                reply.Choose(draft.Reply);
                if (limit.Problem(DocumentOf(draft, reply.Address), Sources(draft.Attachments)) is { } problem)
                    throw new ToolException(problem, UiText.Get("HintRemoveAttachment"));
            }

            var document = DocumentOf(draft, reply.Address);
            var sources = Sources(draft.Attachments);
            var expected = Encoding.UTF8.GetByteCount(document.Text) + draft.Attachments.Sum(a => a.Size) + 2048L * (draft.Attachments.Count + 2);

            if (exportPath is not null)
            {
                var size = Sealer.SealToFile(exportPath, roster, document, sources, expected, result.GetValue(armor));
                interruption.Sealed = true;
                Console.Error.WriteLine($"report: {UiText.Count("Exported", roster.Reviewers.Count, exportPath, UiText.Size(size, roundUp: true))}");
                ShowCodename(reply.Codename, guided);
                return ExitCode.Delivered;
            }

            var outbox = new ReportOutbox(home.OutboxDirectory);
            var entry = Sealer.SealToOutbox(outbox, roster, document, sources, expected);
            interruption.Sealed = true;
            Console.Error.WriteLine($"report: {UiText.Count("Sealed", roster.Reviewers.Count, roster.Version)}");
            // Shown before delivery: a lost connection must not cost the user the codename.
            ShowCodename(reply.Codename, guided);

            var delivery = new Courier(channel!, outbox, policy, DeliveryReceipts.For(roster, result.GetValue(receiptFile))).Deliver(entry, CancellationToken.None);
            return SendCommand.Print(delivery, entry);
        }));
        return command;
    }

    static ReportDocument DocumentOf(Draft draft, ReplyAddress? reply) => new()
    {
        Category = draft.Category!,
        Region = draft.Region,
        When = draft.When,
        Language = UiText.Language,
        Text = draft.Text!,
        Reply = reply,
    };

    static List<AttachmentSource> Sources(IEnumerable<PreparedAttachment> attachments) => [.. attachments.Select(a => a.Source)];

    /// <summary>A person at a terminal sees it on a screen that is cleared afterwards; a script gets it on stdout.</summary>
    static void ShowCodename(Codename? codename, bool guided)
    {
        if (codename is null)
            return;
        if (guided && !Console.IsErrorRedirected)
            CodenameScreen.Show(codename, Console.In, Console.Error);
        else
            CodenameScreen.Print(codename);
    }

    /// <summary>--when as the guided mode stores it: "2023-02" or "2023".</summary>
    static string? When(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        return Answers.YearMonth(value) is { } date
            ? Answers.When(date.Year, date.Month)
            : throw new ToolException(UiText.Format("BadWhen", value), UiText.Get("HintWhen"));
    }

    /// <summary>--category as the guided mode reads it: an identifier, a number, or a name in any language.</summary>
    static string? Category(string? value)
    {
        if (value is null)
            return null;
        return Answers.Category(value)
            ?? throw new ToolException(UiText.Format("BadCategory", value), string.Join(", ", ReportDocument.Categories));
    }

    static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    static string? ReadText(string? path)
    {
        if (path is null)
            return null;
        string text;
        try
        {
            text = path == "-" ? Console.In.ReadToEnd() : File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ToolException(UiText.Format("TextUnreadable", path, e.Message));
        }
        text = text.Trim();
        if (text.Length == 0)
            throw new ToolException(UiText.Format("TextFileEmpty", path));
        if (text.Length > MaxTextChars)
            throw new ToolException(UiText.Format("TextTooLong", path), UiText.Get("HintTextTooLong"));
        return text;
    }
}
