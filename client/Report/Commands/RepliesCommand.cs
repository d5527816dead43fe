using System.CommandLine;
using Reporting.Cli;
using Reporting.Format.Codenames;
using Reporting.Report.Delivery;
using Reporting.Report.Home;
using Reporting.Report.Replies;
using Reporting.Report.Text;

using Reporting.Format.Bundles;

namespace Reporting.Report.Commands;

/// <summary><c>report replies</c>: asks for the codename, proves the mailbox key, fetches and opens the
/// answers and shows them. Nothing is stored: not the codename, not the keys, not the answers.</summary>
static class RepliesCommand
{
    public static Command Create()
    {
        var codenameFile = new Option<string>("--codename-file") { Description = "Read the codename from this file (for scripts) instead of asking" };
        var proxy = CommonOptions.Proxy("Proxy for this time only (else the one given to report init)");
        var command = new Command("replies", "Read the answers to your reports (asks for your codename)")
        {
            codenameFile, proxy, CommonOptions.Timeout,
        };
        command.SetAction(result => CommonOptions.Guard(() =>
        {
            var (home, loaded) = CommonOptions.Start(result);
            var config = loaded ?? home.LoadConfig();
            var channel = Channel.Create(config.Server, result.GetValue(proxy) ?? config.Proxy);
            var codename = ReadCodename(result.GetValue(codenameFile));
            Console.Error.WriteLine($"report: {UiText.Get("DerivingKeys")}");
            using var keys = codename.DeriveKeys(RosterStore.ParseOrganisation(config.Organisation));
            using var client = channel.CreateClient();
            using var timeout = new CancellationTokenSource(CommonOptions.Policy(result).AttemptTimeout * 4);
            var mailbox = new Mailbox(client, keys);
            try
            {
                var replies = mailbox.ListAsync(timeout.Token).GetAwaiter().GetResult();
                if (replies.Count == 0)
                {
                    Console.Error.WriteLine($"report: {UiText.Get("NoReplies")}");
                    return 0;
                }
                var number = 0;
                foreach (var reply in replies)
                {
                    number++;
                    var text = mailbox.ReadAsync(reply, timeout.Token).GetAwaiter().GetResult();
                    Console.Out.WriteLine($"--- {UiText.Format("ReplyHeading", number, VisibleText.Escape(reply.Day ?? ""))} ---");
                    Console.Out.WriteLine(text ?? UiText.Get("ReplyUnreadable"));
                    Console.Out.WriteLine();
                }
                return 0;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or System.Text.Json.JsonException or InvalidDataException)
            {
                throw new ToolException(UiText.Format("RepliesFailed", e is OperationCanceledException ? "timed out" : e.Message),
                    channel.Proxy is null ? UiText.Get("HintCheckServer") : UiText.Get("HintCheckProxy"));
            }
        }));
        return command;
    }

    static Codename ReadCodename(string? file)
    {
        string text;
        if (file is not null)
        {
            try
            {
                text = File.ReadLines(file).FirstOrDefault() ?? "";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ToolException(e.Message);
            }
        }
        else
        {
            if (Console.IsInputRedirected)
                throw new ToolException(UiText.Get("NoTerminalForCodename"), UiText.Get("HintCodenameFile"));
            Console.Error.WriteLine(UiText.Get("CodenameWatchers"));
            Console.Error.Write(UiText.Get("AskCodename") + " ");
            text = Console.ReadLine() ?? "";
            // Take the words off the screen once read (the input had to be shown: Hangul and Chinese
            // are composed on screen by the input method).
            if (!Console.IsErrorRedirected)
                Console.Error.Write("\x1b[1A\x1b[2K\r");
        }
        if (Codename.TryParse(text, out var codename, out var problem))
            return codename!;
        throw problem!.Kind switch
        {
            CodenameProblemKind.WrongWordCount => new ToolException(UiText.Format("CodenameWordCount", Codename.WordCount)),
            CodenameProblemKind.UnknownWord => new ToolException(UiText.Format("CodenameUnknownWord", problem.Position), UiText.Get("HintCodenameTypo")),
            _ => new ToolException(UiText.Get("CodenameChecksum"), UiText.Get("HintCodenameTypo")),
        };
    }
}
