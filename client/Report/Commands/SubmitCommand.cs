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
        var category = new Option<string>("--category") { Description = "illness, death, arrest, forced-return, needs-help or other" };
        var region = new Option<string>("--region") { Description = "A coarse place (province or city); never an address or a name" };
        var when = new Option<string>("--when") { Description = "Roughly when it happened, e.g. 2023-02" };
        var textFile = new Option<string>("--text-file") { Description = "The report's text, UTF-8 (- for standard input)" };
        var attach = new Option<string[]>("--attach") { Description = "A file to attach (repeatable); photos are cleaned of hidden data" };
        var allowUnscrubbed = new Option<bool>("--allow-unscrubbed") { Description = "Send files that cannot be cleaned (not photos) as they are" };
        var noReply = new Option<bool>("--no-reply") { Description = "Do not make a codename: no way to receive an answer" };
        var yes = new Option<bool>("--yes") { Description = "Never ask: send what the options say" };
        var export = new Option<string>("--export") { Description = "Write the sealed report to FILE to carry by hand, instead of sending it" };
        var armor = new Option<bool>("--armor") { Description = "With --export: write ASCII text (for chat or e-mail) instead of binary" };
        var proxy = CommonOptions.Proxy("Proxy for this time only (else the one given to report init)");
        var receiptFile = CommonOptions.ReceiptFile;
        var command = new Command("submit", "Write a report, seal it to the reviewers and send it")
        {
            category, region, when, textFile, attach, allowUnscrubbed, noReply, yes, export, armor, proxy, receiptFile,
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
            var reply = !result.GetValue(noReply);

            var draft = new Draft
            {
                Category = Category(result.GetValue(category)),
                Region = Clean(result.GetValue(region)),
                When = Clean(result.GetValue(when)),
                Text = ReadText(result.GetValue(textFile)),
            };
            draft.AttachmentPaths.AddRange(result.GetValue(attach) ?? []);
            var guided = !result.GetValue(yes) && !Console.IsInputRedirected;
            if (!guided && (draft.Category is null || draft.Text is null))
                throw new ToolException(UiText.Get("MissingFields"), UiText.Get("HintMissingFields"));

            // The roster first: nobody should write a long report only to learn it cannot be sealed.
            var roster = RosterStore.Current(home, config, channel, policy).Roster;

            var attachments = draft.AttachmentPaths.Select((path, i) => AttachmentPreparer.Prepare(path, i + 1, allow)).ToList();
            foreach (var attachment in attachments.Where(a => !a.Source.Scrubbed))
                Console.Error.WriteLine($"report: {UiText.Format("WarnUnscrubbed", attachment.OriginalPath)}");
            if (guided)
            {
                var interview = new Interview(Console.In, Console.Error);
                if (draft.Category is null) interview.AskCategory(draft);
                if (result.GetResult(region) is null) interview.AskRegion(draft);
                if (result.GetResult(when) is null) interview.AskWhen(draft);
                if (draft.Text is null) interview.AskText(draft);
                if (result.GetResult(attach) is null) interview.AskAttachments(attachments, allow);
                if (!interview.Confirm(draft, attachments, reply, roster.Reviewers.Count))
                    throw new ToolException(UiText.Get("Cancelled"));
            }

            var codename = reply ? Codename.Generate(Wordlist.ForLanguage(UiText.Language)) : null;
            var document = new ReportDocument
            {
                Category = draft.Category!,
                Region = draft.Region,
                When = draft.When,
                Language = UiText.Language,
                Text = draft.Text!,
                Reply = codename is null ? null : ReplyAddressOf(codename, config, roster.RecipientKind()),
            };
            var sources = attachments.Select(a => a.Source).ToList();
            var expected = Encoding.UTF8.GetByteCount(document.Text) + attachments.Sum(a => a.Size) + 2048L * (attachments.Count + 2);

            if (exportPath is not null)
            {
                var size = Sealer.SealToFile(exportPath, roster, document, sources, expected, result.GetValue(armor));
                Console.Error.WriteLine($"report: {UiText.Format("Exported", exportPath, CommonOptions.Size(size), roster.Reviewers.Count)}");
                ShowCodename(codename);
                return ExitCode.Delivered;
            }

            var outbox = new ReportOutbox(home.OutboxDirectory);
            var entry = Sealer.SealToOutbox(outbox, roster, document, sources, expected);
            Console.Error.WriteLine($"report: {UiText.Format("Sealed", roster.Reviewers.Count, roster.Version)}");
            // Shown before delivery: a lost connection must not cost the user the codename.
            ShowCodename(codename);

            var delivery = new Courier(channel!, outbox, policy, DeliveryReceipts.For(roster, result.GetValue(receiptFile))).Deliver(entry, CancellationToken.None);
            return SendCommand.Print(delivery, entry);
        }));
        return command;
    }

    /// <summary>The answer is sealed to a reply recipient of the roster's kind: a report sealed post-quantum gets a
    /// post-quantum answer.</summary>
    static ReplyAddress ReplyAddressOf(Codename codename, ReportConfig config, KeyKind kind)
    {
        using var keys = codename.DeriveKeys(RosterStore.ParseOrganisation(config.Organisation));
        return new ReplyAddress(keys.ReplyIdentityFor(kind).Recipient.ToString()!, keys.MailboxKey.PublicKey.ToString());
    }

    static void ShowCodename(Codename? codename)
    {
        if (codename is null)
            return;
        Console.Error.WriteLine();
        Console.Error.WriteLine(UiText.Get("CodenameIntro"));
        // A line of its own under a label, so a script can take it (grep -A1 codename | tail -1).
        Console.Out.WriteLine("codename:");
        Console.Out.WriteLine($"  {codename}");
        Console.Out.Flush();
        Console.Error.WriteLine(UiText.Get("CodenameAdvice"));
        Console.Error.WriteLine();
    }

    static string? Category(string? value)
    {
        if (value is null)
            return null;
        var normalised = value.Trim().ToLowerInvariant();
        if (!ReportDocument.Categories.Contains(normalised))
            throw new ToolException(UiText.Format("BadCategory", value), string.Join(", ", ReportDocument.Categories));
        return normalised;
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
