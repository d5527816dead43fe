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
        var codenameFile = new Option<string>("--codename-file") { Description = UiText.Get("Help_replies_codename_file") };
        var proxy = CommonOptions.Proxy(UiText.Get("Help_proxy_once"));
        var delete = new Option<bool>("--delete") { Description = UiText.Get("Help_replies_delete") };
        var command = new Command("replies", UiText.Get("Help_replies"))
        {
            codenameFile, delete, proxy, CommonOptions.Timeout,
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
                var deleted = 0;
                foreach (var reply in replies)
                {
                    number++;
                    var text = mailbox.ReadAsync(reply, timeout.Token).GetAwaiter().GetResult();
                    Console.Out.WriteLine($"--- {UiText.Format("ReplyHeading", number, VisibleText.Escape(reply.Day ?? ""))} ---");
                    Console.Out.WriteLine(text ?? UiText.Get("ReplyUnreadable"));
                    Console.Out.WriteLine();
                    Console.Out.Flush();
                    // Only once shown, and only what could be opened: an answer this codename cannot read stays.
                    if (result.GetValue(delete) && text is not null && mailbox.DeleteAsync(reply, timeout.Token).GetAwaiter().GetResult())
                        deleted++;
                }
                if (result.GetValue(delete))
                    Console.Error.WriteLine($"report: {UiText.Count("RepliesDeleted", deleted)}");
                else
                    Console.Error.WriteLine(UiText.Hint(UiText.Get("HintDeleteReplies")));
                return 0;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or System.Text.Json.JsonException or InvalidDataException)
            {
                throw new ToolException(UiText.Format("RepliesFailed", NetworkProblem.Describe(e)),
                    channel.Proxy is null ? UiText.Get("HintCheckServer") : UiText.Get("HintCheckProxy"));
            }
        }));
        return command;
    }

    /// <summary>A typed codename is asked for again when it is wrong, up to three times in all, saying what is wrong
    /// (a typing slip must not end the command); from a file it is read once.</summary>
    const int Tries = 3;

    static Codename ReadCodename(string? file)
    {
        if (file is not null)
        {
            string text;
            try
            {
                text = File.ReadLines(file).FirstOrDefault() ?? "";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ToolException(e.Message);
            }
            return Codename.TryParse(text, out var fromFile, out var problem) ? fromFile! : throw Explain(problem!);
        }
        if (Console.IsInputRedirected)
            throw new ToolException(UiText.Get("NoTerminalForCodename"), UiText.Get("HintCodenameFile"));
        Console.Error.WriteLine(UiText.Get("CodenameWatchers"));
        for (var attempt = 1; ; attempt++)
        {
            Console.Error.Write(UiText.Get("AskCodename") + " ");
            // A mark per character, never the codename itself: the input method shows a word while it is being
            // composed, and the marks show that it arrived; nothing readable stays on the screen.
            var typed = MaskedInput.ReadLine('*', 512, UiText.Format("CodenameWordCount", Codename.WordCount));
            try
            {
                if (Codename.TryParse(new string(typed), out var codename, out var problem))
                    return codename!;
                var explained = Explain(problem!);
                if (attempt == Tries)
                    throw explained;
                Console.Error.WriteLine($"report: {explained.Message}");
                foreach (var hint in explained.Hints)
                    Console.Error.WriteLine(UiText.Hint(hint));
                Console.Error.WriteLine(UiText.Count("CodenameTryAgain", Tries - attempt));
            }
            finally
            {
                Array.Clear(typed);
            }
        }
    }

    static ToolException Explain(CodenameProblem problem) => problem.Kind switch
    {
        CodenameProblemKind.WrongWordCount => new ToolException(UiText.Format("CodenameWordCount", Codename.WordCount), UiText.Get("HintCodenameDigits")),
        CodenameProblemKind.WrongDigitCount => new ToolException(UiText.Format("CodenameDigitCount", 28)),
        CodenameProblemKind.UnknownWord => new ToolException(UiText.Format("CodenameUnknownWord", problem.Position), UiText.Get("HintCodenameTypo")),
        CodenameProblemKind.WrongOrder => new ToolException(UiText.Format("CodenameWrongOrder", problem.Position, problem.Position + 1), UiText.Get("HintCodenameTypo")),
        _ => new ToolException(UiText.Get("CodenameChecksum"), UiText.Get("HintCodenameTypo")),
    };
}
