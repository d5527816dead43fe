using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Reporting.Cli;
using Reporting.Format.Age;
using Reporting.Format.Bundles;
using Reporting.Format.IO;
using Reporting.Format.Keys;
using Reporting.Format.Replies;

namespace Reporting.Review.Commands;

/// <summary><c>review reply</c> (offline): seal an answer to the source of one decrypted report.</summary>
static class ReplyCommand
{
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
                var recipients = RecipientsOf(address, identities);
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

    /// <summary>The source's reply recipient and the team's own copy: the first of the reviewer's identities of the
    /// same kind (a mix is refused, and the server takes at most two stanzas). A reviewer who holds only the other
    /// kind (a classic report answered after the move to post-quantum) seals to the source alone.</summary>
    static List<IRecipient> RecipientsOf(ReplyAddress address, IReadOnlyList<IKeyIdentity> identities)
    {
        var source = AgeKeys.ParseRecipient(address.Recipient);
        var kind = AgeKeys.KindOf(address.Recipient);
        var own = identities.FirstOrDefault(i => AgeKeys.KindOf(i.Recipient.ToString()!) == kind);
        if (own is not null)
            return [source, own.Recipient];
        Console.Error.WriteLine("review: warning: your identity is of another kind than the report's reply address; the answer is sealed to the source alone, and you cannot read it back");
        return [source];
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
            AgeKeys.ParseRecipient(reply.Recipient);
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
        if (file.Length > ReplyText.MaxBytes)
            throw new ToolException($"the answer is longer than {ReplyText.MaxBytes / 1024} KiB", "shorten it");
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

    /// <summary>The padded answer (PROTOCOL.md, Replies), sealed; the file appears whole or not at all.</summary>
    static void Seal(byte[] text, IReadOnlyList<IRecipient> recipients, string path)
    {
        using var file = AtomicFile.Create(path);
        using (var sealing = AgeFile.Seal(file.Stream, recipients, leaveOpen: true))
        {
            sealing.Write(ReplyText.Pad(text));
        }
        file.Commit();
    }
}
