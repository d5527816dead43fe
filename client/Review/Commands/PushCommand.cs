using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using Reporting.Cli;
using Reporting.Cli.Network;
using Reporting.Format.Protocol;

namespace Reporting.Review.Commands;

/// <summary><c>review push</c> (online): upload sealed answers; each pushed answer moves to <c>sent/</c>.
/// Answers posted one after another right after their reports were fetched would let a watching server pair
/// each report with its source's mailbox; so each goes over a connection (and, through Tor, a circuit) of
/// its own, in random order, at a moment drawn at random over <c>--spread</c> minutes (docs/DESIGN.md D11).</summary>
static class PushCommand
{
    /// <summary>Half an hour: long against the seconds a fetch takes, short enough to run while the workstation is on.</summary>
    const int DefaultSpreadMinutes = 30;

    public static Command Create()
    {
        var options = new ReviewerOptions();
        var input = new Option<DirectoryInfo>("--in") { Description = "Folder of sealed answers from review reply", Required = true };
        var spread = new Option<int>("--spread")
        {
            Description = "Minutes over which the answers are sent, each at a moment drawn at random (default 30; 0: at once)",
            DefaultValueFactory = _ => DefaultSpreadMinutes,
        };
        var command = new Command("push", "Upload sealed answers to the sources' mailboxes");
        options.AddTo(command);
        command.Options.Add(input);
        command.Options.Add(spread);
        command.SetAction(async (result, cancel) =>
        {
            var folder = result.GetValue(input)!;
            if (!folder.Exists)
                throw new ToolException($"no folder {folder.FullName}");
            var minutes = result.GetValue(spread);
            if (minutes is < 0 or > 24 * 60)
                throw new ToolException("--spread must be a number of minutes from 0 to 1440");
            var pending = folder.GetFiles("*.reply.json").ToList();
            if (pending.Count == 0)
            {
                Console.Error.WriteLine("review: no answers to push");
                return 0;
            }
            var (server, proxy) = options.Addresses(result);
            // The channel is checked before the key is unlocked: a refused address costs no passphrase.
            ServerConnection.Create(server, proxy).Dispose();
            using var key = options.ReadAccessKey(result);
            var sent = Directory.CreateDirectory(Path.Combine(folder.FullName, "sent"));
            var moments = Spacing.Over(pending.Count, TimeSpan.FromMinutes(minutes));
            if (minutes > 0)
                Console.Error.WriteLine($"review: sending {pending.Count} answer(s) at random moments over the next {minutes} minutes (--spread)");
            var started = DateTime.UtcNow;
            // Random order: the moments are sorted, the answers shuffled.
            foreach (var (json, moment) in pending.OrderBy(_ => RandomNumberGenerator.GetInt32(int.MaxValue)).Zip(moments))
            {
                var wait = started + moment - DateTime.UtcNow;
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait, cancel);
                var name = json.Name[..^".reply.json".Length];
                var sealedPath = Path.Combine(folder.FullName, name + ".reply.age");
                var mailbox = JsonSerializer.Deserialize(File.ReadAllBytes(json.FullName), ManifestJson.Default.PendingReply)?.Mailbox;
                if (mailbox is null || !File.Exists(sealedPath))
                    throw new ToolException($"{json.Name} has no sealed answer beside it", "run review reply again");
                var body = File.ReadAllBytes(sealedPath);
                // A connection of its own for each answer.
                using var http = ServerConnection.Create(server, proxy);
                await ServerConnection.Network(server, async () =>
                {
                    using var response = await http.SendSignedAsync(key, HttpMethod.Post, Routes.Replies(Uri.EscapeDataString(mailbox)), body, cancel);
                    ServerConnection.EnsureAccepted(response, "take the answer");
                    return true;
                });
                File.Move(sealedPath, Path.Combine(sent.FullName, name + ".reply.age"), overwrite: true);
                File.Move(json.FullName, Path.Combine(sent.FullName, json.Name), overwrite: true);
                Console.Error.WriteLine($"review: pushed {name}");
            }
            return 0;
        });
        return command;
    }
}
