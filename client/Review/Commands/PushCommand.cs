using System.CommandLine;
using System.Text.Json;
using Reporting.Cli;
using Reporting.Cli.Network;
using Reporting.Format.Protocol;

namespace Reporting.Review.Commands;

/// <summary><c>review push</c> (online): upload sealed answers; each pushed answer moves to <c>sent/</c>.</summary>
static class PushCommand
{
    public static Command Create()
    {
        var options = new ReviewerOptions();
        var input = new Option<DirectoryInfo>("--in") { Description = "Folder of sealed answers from review reply", Required = true };
        var command = new Command("push", "Upload sealed answers to the sources' mailboxes");
        options.AddTo(command);
        command.Options.Add(input);
        command.SetAction(async (result, cancel) =>
        {
            var folder = result.GetValue(input)!;
            if (!folder.Exists)
                throw new ToolException($"no folder {folder.FullName}");
            var pending = folder.GetFiles("*.reply.json").OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
            if (pending.Count == 0)
            {
                Console.Error.WriteLine("review: no answers to push");
                return 0;
            }
            var (server, proxy) = options.Addresses(result);
            // The channel is checked before the key is unlocked: a refused address costs no passphrase.
            using var http = ServerConnection.Create(server, proxy);
            using var key = options.ReadAccessKey(result);
            var sent = Directory.CreateDirectory(Path.Combine(folder.FullName, "sent"));
            foreach (var json in pending)
            {
                var name = json.Name[..^".reply.json".Length];
                var sealedPath = Path.Combine(folder.FullName, name + ".reply.age");
                var mailbox = JsonSerializer.Deserialize(File.ReadAllBytes(json.FullName), ManifestJson.Default.PendingReply)?.Mailbox;
                if (mailbox is null || !File.Exists(sealedPath))
                    throw new ToolException($"{json.Name} has no sealed answer beside it", "run review reply again");
                var body = File.ReadAllBytes(sealedPath);
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
