using System.Text;
using Reporting.Client.Tests.Infrastructure;
using Reporting.Format.Age;
using Reporting.Format.Bundles;

namespace Reporting.Client.Tests.Decrypt;

/// <summary>The reviewer's offline machine for <c>review decrypt</c> and <c>review mark</c> tests: an identity
/// file sealed with a passphrase as review keygen writes it, an inbox of envelopes sealed with the real age code,
/// and the folder the reports are decrypted into.</summary>
public sealed class OfflineMachine : IDisposable
{
    public const string Passphrase = "correct horse battery staple";
    public TempFolder Work { get; } = new();
    public X25519Identity Identity { get; } = X25519Identity.Generate();
    public string IdentityFile { get; }
    public string PassphraseFile { get; }
    public string Inbox { get; }
    public string Output { get; }

    public OfflineMachine()
    {
        PassphraseFile = Work.Write("passphrase", Passphrase + "\n");
        IdentityFile = Work["reviewer.identity"];
        var identityText = $"# created: 2026-11-27\n# public key: {Identity.Recipient}\n{Identity.Export()}\n";
        // A low scrypt work factor keeps the test fast; the format is the same as review keygen writes.
        File.WriteAllBytes(IdentityFile, Seal(Encoding.UTF8.GetBytes(identityText), new ScryptRecipient(Encoding.UTF8.GetBytes(Passphrase), workFactor: 10)));
        Inbox = Work["inbox"];
        Output = Work["reports"];
        Directory.CreateDirectory(Inbox);
    }

    public void Dispose()
    {
        Identity.Dispose();
        Work.Dispose();
    }

    public static byte[] Seal(byte[] plaintext, IRecipient recipient)
    {
        using var sealedBytes = new MemoryStream();
        using (var sealing = AgeFile.Seal(sealedBytes, [recipient], leaveOpen: true))
            sealing.Write(plaintext);
        return sealedBytes.ToArray();
    }

    public byte[] SealBundle(ReportDocument document, params AttachmentSource[] attachments)
    {
        using var bundle = new MemoryStream();
        ReportBundle.Write(bundle, document, attachments);
        return Seal(bundle.ToArray(), Identity.Recipient);
    }

    /// <summary>A report sealed to this reviewer, in the inbox as <c>ID.age</c>.</summary>
    public void Put(string id, ReportDocument document, params AttachmentSource[] attachments) =>
        File.WriteAllBytes(Path.Combine(Inbox, id + ".age"), SealBundle(document, attachments));

    /// <summary>The demo's reports (seeds/), each with a small attachment, as <c>seed-NN.age</c>.</summary>
    public void PutSeeds()
    {
        foreach (var seed in SeedReports.All)
            Put("seed-" + seed.File[..2], SeedReports.Document(seed), new AttachmentSource("note.txt", "text/plain", false, () => new MemoryStream("a note"u8.ToArray())));
    }

    /// <summary>manifest.json in the inbox as review fetch writes it, giving each envelope there the day the
    /// server received it: the first on <paramref name="firstDay"/>, each next one a day later.</summary>
    public void WriteManifest(DateOnly firstDay)
    {
        var envelopes = Directory.GetFiles(Inbox, "*.age").Order(StringComparer.Ordinal).ToList();
        var reports = envelopes.Select((path, i) => new
        {
            id = Path.GetFileNameWithoutExtension(path),
            day = firstDay.AddDays(i).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            size = new FileInfo(path).Length,
            sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))),
            rosterVersion = 1,
        });
        File.WriteAllText(Path.Combine(Inbox, "manifest.json"), System.Text.Json.JsonSerializer.Serialize(new { reports }));
    }

    public ToolResult Decrypt(params string[] extra) =>
        Tool.Review(["decrypt", "--identity", IdentityFile, "--passphrase-file", PassphraseFile, "--in", Inbox, "--out", Output, .. extra]);

    public ToolResult Mark(params string[] args) => Tool.Review(["mark", "--reports", Output, .. args]);
}
