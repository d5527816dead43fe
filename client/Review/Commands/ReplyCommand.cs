using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Reporting.Cli;
using Reporting.Format.Age;
using Reporting.Format.Bundles;
using Reporting.Format.IO;
using Reporting.Format.Keys;

namespace Reporting.Review.Commands;

/// <summary><c>review reply</c> (offline): seal an answer to the source of one decrypted report.</summary>
static class ReplyCommand
{
    /// <summary>An answer is a message, not a file transfer; a bound keeps it easy to carry and to pad.</summary>
    const int MaxReplyBytes = 64 * 1024;

    public static Command Create()
    {
        var identity = new Option<FileInfo>("--identity") { Description = "Your identity file (the team also reads back the sealed answer with it)", Required = true };
        var report = new Option<DirectoryInfo>("--report") { Description = "The decrypted report's folder (from review decrypt)", Required = true };
        var textFile = new Option<FileInfo>("--text-file") { Description = "The answer, as UTF-8 text", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder of sealed answers to carry to the online machine for review push", Required = true };
        var passphraseFile = new Option<FileInfo?>("--passphrase-file") { Description = "Read the identity's passphrase from this file instead of asking" };
        var command = new Command("reply", "Seal an answer to a report's source, for review push") { identity, report, textFile, output, passphraseFile };
        command.SetAction(result =>
        {
            var address = ReadReplyAddress(result.GetValue(report)!);
            var text = ReadText(result.GetValue(textFile)!);
            var identities = Identities.Load(result.GetValue(identity)!.FullName, result.GetValue(passphraseFile)?.FullName);
            try
            {
                List<IRecipient> recipients = [X25519Recipient.Parse(address.Recipient), .. identities.Select(i => i.Recipient)];
                var folder = result.GetValue(output)!;
                folder.Create();
                var name = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
                var sealedPath = Path.Combine(folder.FullName, name + ".reply.age");
                Seal(text, recipients, sealedPath);
                AtomicFile.Write(Path.Combine(folder.FullName, name + ".reply.json"),
                    JsonSerializer.SerializeToUtf8Bytes(new PendingReply(address.Mailbox), ManifestJson.Default.PendingReply));
                Console.Error.WriteLine($"review: answer sealed to {sealedPath}");
                Console.Error.WriteLine("review: carry the folder to the online machine and run review push");
                return 0;
            }
            finally
            {
                foreach (var i in identities)
                    i.Dispose();
            }
        });
        return command;
    }

    static ReplyAddress ReadReplyAddress(DirectoryInfo report)
    {
        var path = Path.Combine(report.FullName, "report.json");
        if (!File.Exists(path))
            throw new ToolException($"no report.json in {report.FullName}", "give the folder that review decrypt made for the report");
        ReportDocument document;
        try
        {
            document = ReportDocument.Parse(File.ReadAllBytes(path));
        }
        catch (InvalidDataException e)
        {
            throw new ToolException($"{path}: {e.Message}");
        }
        var reply = document.Reply ?? throw new ToolException("the source of this report asked for no answer");
        try
        {
            X25519Recipient.Parse(reply.Recipient);
            PublicSigningKey.Parse(reply.Mailbox, SigningKeyKind.Mailbox);
        }
        catch (Exception e) when (e is AgeException or FormatException or ArgumentException)
        {
            throw new ToolException("the report's reply address is not valid", "it cannot be answered");
        }
        return reply;
    }

    static byte[] ReadText(FileInfo file)
    {
        if (!file.Exists)
            throw new ToolException($"no answer text at {file.FullName}");
        if (file.Length > MaxReplyBytes)
            throw new ToolException($"the answer is longer than {MaxReplyBytes / 1024} KiB", "shorten it");
        var bytes = File.ReadAllBytes(file.FullName);
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new ToolException($"{file.Name} is not UTF-8 text");
        }
        if (bytes.Length == 0)
            throw new ToolException($"{file.Name} is empty");
        return bytes;
    }

    /// <summary>The text, then zero bytes to its Padmé length (PROTOCOL.md, Replies), sealed.</summary>
    static void Seal(byte[] text, IReadOnlyList<IRecipient> recipients, string path)
    {
        using var file = AtomicFile.Create(path);
        using (var sealing = AgeFile.Seal(file.Stream, recipients, leaveOpen: true))
        {
            sealing.Write(text);
            sealing.Write(new byte[Padme.PaddedLength(text.Length) - text.Length]);
        }
        file.Commit();
    }
}
