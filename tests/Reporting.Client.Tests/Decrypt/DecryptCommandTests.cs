using System.Text;
using System.Text.Json;
using Reporting.Client.Tests.Infrastructure;
using Reporting.Format.Age;
using Reporting.Format.Bundles;
using Xunit;

namespace Reporting.Client.Tests.Decrypt;

/// <summary><c>review decrypt</c>, run as the real built tool over envelopes sealed with the real age code:
/// honest seeds beside crafted bundles and broken files (D11, D12).</summary>
public sealed class DecryptCommandTests : IDisposable
{
    readonly OfflineMachine machine = new();
    readonly TempFolder work;
    readonly X25519Identity identity;
    readonly string inbox;
    readonly string output;

    public DecryptCommandTests()
    {
        (work, identity, inbox, output) = (machine.Work, machine.Identity, machine.Inbox, machine.Output);
        work.Write("canary.txt", "untouched");
    }

    public void Dispose() => machine.Dispose();

    static byte[] Seal(byte[] plaintext, IRecipient recipient) => OfflineMachine.Seal(plaintext, recipient);

    byte[] SealBundle(ReportDocument document, params AttachmentSource[] attachments) => machine.SealBundle(document, attachments);

    void PutSeeds() => machine.PutSeeds();

    ToolResult Decrypt(params string[] extra) => machine.Decrypt(extra);

    const string Hostile = "<script>alert(1)</script>\u001b[2J\u001b]0;owned\u0007\u202Eevil";

    /// <summary>A bundle an attacker would send: hostile text in every field, and every kind of entry that could
    /// write outside the output folder or plant something in it, around one honest attachment.</summary>
    byte[] HostileBundle()
    {
        var json = JsonSerializer.Serialize(new
        {
            schema = 1, category = "<script>alert('category')</script>", region = Hostile, when = "=HYPERLINK(\"http://evil.example\")",
            language = "\u202Een", text = Hostile + "\n<img src=x onerror=alert(1)>",
            attachments = new[] { new { name = "<b>bold</b>.png", size = 1, sha256 = "00", mediaType = "<i>", scrubbed = true } },
        });
        return new RawTar()
            .File("report.json", json)
            .File("../../escaped-dotdot.txt", "x")
            .File("attachments/../../escaped-nested.txt", "x")
            .File(work["escaped-absolute.txt"], "x")
            .Entry("attachments/link", '2', linkName: work["canary.txt"])
            .Entry("attachments/hard", '1', linkName: work["canary.txt"])
            .Entry("attachments/tty", '3')
            .Entry("attachments/fifo", '6')
            .Entry("etc/", '5')
            .File("attachments/\u001b[31m<img src=x onerror=alert(2)>.png", "honest bytes")
            .Entry("attachments/huge.bin", declaredSize: 8589934591L)
            .Finish();
    }

    string[] EverythingOutsideOutput() => Directory.EnumerateFileSystemEntries(work.Path, "*", SearchOption.AllDirectories)
        .Select(p => Path.GetRelativePath(work.Path, p))
        .Where(p => !p.StartsWith("reports", StringComparison.Ordinal) && !p.StartsWith("inbox", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Decrypt_HonestAndHostileFilesTogether_HonestOnesAllDecrypted_BadOnesSkipped_NothingOutside()
    {
        PutSeeds();
        File.WriteAllBytes(Path.Combine(inbox, "hostile.age"), Seal(HostileBundle(), identity.Recipient));
        File.WriteAllBytes(Path.Combine(inbox, "\u001b[31mevil\u202E.age"), Seal(HostileBundle(), identity.Recipient));
        File.WriteAllText(Path.Combine(inbox, "not-age.age"), "just some text\n");
        using (var stranger = X25519Identity.Generate())
            File.WriteAllBytes(Path.Combine(inbox, "other-key.age"), Seal(Encoding.UTF8.GetBytes("x"), stranger.Recipient));
        var honest = SealBundle(SeedReports.Document(SeedReports.All[0]), new AttachmentSource("big.bin", "application/octet-stream", false, () => new MemoryStream(new byte[200_000])));
        File.WriteAllBytes(Path.Combine(inbox, "truncated.age"), honest[..(honest.Length - 70_000)]);
        File.WriteAllBytes(Path.Combine(inbox, "not-a-bundle.age"), Seal(Encoding.UTF8.GetBytes(new string('A', 5000)), identity.Recipient));

        var result = Decrypt();

        Assert.Equal(1, result.ExitCode);
        foreach (var bad in new[] { "not-age.age", "other-key.age", "truncated.age", "not-a-bundle.age" })
            Assert.Contains($"review: {bad}: skipped", result.Stderr);
        Assert.Contains("4 of 12 files could not be decrypted", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr); // no stack trace
        Assert.DoesNotContain('\u001b', result.Stdout + result.Stderr);
        Assert.DoesNotContain('\u202E', result.Stdout + result.Stderr);

        foreach (var seed in SeedReports.All)
        {
            var folder = Path.Combine(output, "seed-" + seed.File[..2]);
            var document = ReportDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "report.json")));
            Assert.Equal(File.ReadAllText(Path.Combine(SeedReports.Folder, seed.File)), document.Text);
            Assert.Equal("a note", File.ReadAllText(Path.Combine(folder, "attachments", "note.txt")));
            Assert.Contains(document.Text.Split('\n')[0], File.ReadAllText(Path.Combine(folder, "report.txt")));
        }

        // The crafted ones: decrypted, with only their honest attachment, and nothing planted anywhere.
        foreach (var name in new[] { "hostile", "_[31mevil_" })
        {
            var folder = Path.Combine(output, name);
            Assert.Equal(["_[31m_img src=x onerror=alert(2)_.png"], Directory.GetFileSystemEntries(Path.Combine(folder, "attachments")).Select(p => Path.GetFileName(p)));
            var text = File.ReadAllText(Path.Combine(folder, "report.txt"));
            Assert.DoesNotContain('\u001b', text);
            Assert.DoesNotContain('\u202E', text);
            Assert.DoesNotContain('\u0007', text);
            Assert.Contains("\\u{1B}[2J", text);
            Assert.Contains("\\u{202E}evil", text);
        }
        Assert.Equal(["canary.txt", "passphrase", "reviewer.identity"], EverythingOutsideOutput());
        Assert.Equal("untouched", File.ReadAllText(work["canary.txt"]));
        Assert.Equal(
            ["_[31mevil_", "hostile", "index.csv", "index.html", "index.jsonl", "seed-01", "seed-02", "seed-03", "seed-04", "seed-05", "seed-06"],
            Directory.GetFileSystemEntries(output).Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Index_EscapesEverything_RunsNoScript_AndDefusesFormulas()
    {
        PutSeeds();
        File.WriteAllBytes(Path.Combine(inbox, "hostile.age"), Seal(HostileBundle(), identity.Recipient));

        Assert.Equal(0, Decrypt().ExitCode);

        var html = File.ReadAllText(Path.Combine(output, "index.html"));
        Assert.Contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror=alert(1)>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"http", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain('\u001b', html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("<svg", html);
        Assert.Contains("<title>2023-01 · arrest: 1</title>", html);  // seed 03
        Assert.Contains("<title>2023-01 · needs help: 1</title>", html); // seed 02

        var page = File.ReadAllText(Path.Combine(output, "hostile", "report.html"));
        Assert.Contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">", page);
        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain('\u001b', page);
        Assert.Contains("<a href=\"../index.html\">", page);

        var csvText = File.ReadAllText(Path.Combine(output, "index.csv"));
        Assert.Contains(",\"'=HYPERLINK(\"\"http://evil.example\"\")\",", csvText);
        Assert.DoesNotContain('\u001b', csvText);
        var (_, rows) = CsvFile.Read(Path.Combine(output, "index.csv"));
        Assert.Equal(7, rows.Count);
        var hostileRow = Assert.Single(rows, r => r["id"] == "hostile");
        Assert.Equal("'=HYPERLINK(\"http://evil.example\")", hostileRow["when_as_written"]);
        Assert.StartsWith("<script>alert(1)</script>\\u{1B}[2J", hostileRow["text"]);
        Assert.Contains("\n<img src=x onerror=alert(1)>", hostileRow["text"]);
    }

    /// <summary>The index as a browser parses and draws it: the demo's reports first, then with a hostile report
    /// added. Set REVIEW_INDEX_SCREENSHOTS to a folder to keep both screenshots (index-seeds.png, index-hostile.png).</summary>
    [Fact]
    public void Index_RenderedByChromium_ShowsHostileInputAsText_AndCreatesNoElementFromIt()
    {
        PutSeeds();
        machine.WriteManifest(new DateOnly(2023, 3, 1));
        Assert.Equal(0, Decrypt("--language", "en").ExitCode);
        var index = Path.Combine(output, "index.html");
        var seedsPng = work["index-seeds.png"];
        Chromium.Screenshot(index, seedsPng);

        File.WriteAllBytes(Path.Combine(inbox, "hostile.age"), Seal(HostileBundle(), identity.Recipient));
        Assert.Equal(0, Decrypt("--language", "en").ExitCode);
        var dom = Chromium.DumpDom(index);
        var hostilePng = work["index-hostile.png"];
        Chromium.Screenshot(index, hostilePng);

        // What Chromium built: the source's markup is text in it, never an element.
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", dom);
        Assert.Contains("&lt;script&gt;alert('category')&lt;/script&gt;", dom);
        Assert.DoesNotContain("<script", dom, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", dom, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\\u{202E}evil", dom);
        Assert.Contains("<a href=\"hostile/report.html\">hostile</a>", dom);
        // Received days come from fetch's manifest; the file carried in by hand after it has none.
        Assert.Contains("<tr><td>2023-03-06</td><td class=\"n\">1</td></tr>", dom);
        Assert.Contains("<tr><td>not known (carried in by hand)</td><td class=\"n\">1</td></tr>", dom);
        var reportDom = Chromium.DumpDom(Path.Combine(output, "hostile", "report.html"));
        Assert.DoesNotContain("<script", reportDom, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", reportDom, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<a href=\"../index.html\">", reportDom);
        foreach (var png in new[] { seedsPng, hostilePng })
        {
            var bytes = File.ReadAllBytes(png);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
            Assert.True(bytes.Length > 20_000, $"{png} is {bytes.Length} bytes: a blank page?");
        }
        if (Environment.GetEnvironmentVariable("REVIEW_INDEX_SCREENSHOTS") is { Length: > 0 } keep)
        {
            Directory.CreateDirectory(keep);
            File.Copy(seedsPng, Path.Combine(keep, "index-seeds.png"), overwrite: true);
            File.Copy(hostilePng, Path.Combine(keep, "index-hostile.png"), overwrite: true);
        }
    }

    [Fact]
    public void Decrypt_WrongPassphrase_SaysSo_AndWritesNothing()
    {
        PutSeeds();
        File.WriteAllText(machine.PassphraseFile, "not the passphrase\n");

        var result = Decrypt();

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("review: error: wrong passphrase", result.Stderr);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Decrypt_Again_DoesNotDuplicate_EvenUnderAnotherFileName()
    {
        PutSeeds();
        Assert.Equal(0, Decrypt().ExitCode);
        var before = Directory.GetFileSystemEntries(output).Order(StringComparer.Ordinal).ToArray();
        File.Copy(Path.Combine(inbox, "seed-01.age"), Path.Combine(inbox, "carried-by-hand.age"));

        var again = Decrypt();

        Assert.Equal(0, again.ExitCode);
        Assert.Contains("carried-by-hand.age: already decrypted in seed-01", again.Stdout);
        Assert.Contains("0 decrypted, 7 already there, 0 failed", again.Stdout);
        Assert.Equal(before, Directory.GetFileSystemEntries(output).Order(StringComparer.Ordinal).ToArray());
    }

    [Theory]
    [InlineData("en", "Category:", "needs help (needs-help)")]
    [InlineData("ko", "분류:", "도움 필요 (needs-help)")]
    [InlineData("zh", "类别:", "需要帮助 (needs-help)")]
    public void ReportText_LabelsInTheReviewersLanguage_SourceWordsAsWritten(string language, string label, string category)
    {
        PutSeeds();

        Assert.Equal(0, Decrypt("--language", language).ExitCode);

        var text = File.ReadAllText(Path.Combine(output, "seed-02", "report.txt"));
        Assert.Contains(label, text);
        Assert.Contains(category, text);
        Assert.Contains("신분증이", text); // the Korean seed's own words, whatever the reviewer's language
    }

    [Fact]
    public void Decrypt_FilesSealedByStockAge_BinaryOrArmored_WithPlainIdentityFile_AreRead()
    {
        var plainIdentity = work.Write("plain.identity", identity.Export() + "\n");
        var bundle = work["bundle.tar"];
        using (var file = File.Create(bundle))
            ReportBundle.Write(file, SeedReports.Document(SeedReports.All[1]), []);
        foreach (var (name, armor) in new[] { ("by-usb", false), ("by-chat", true) })
        {
            string[] arguments = armor ? ["-a"] : [];
            var age = System.Diagnostics.Process.Start("age", [.. arguments, "-r", identity.Recipient.ToString(), "-o", Path.Combine(inbox, name + ".age"), bundle])!;
            age.WaitForExit();
            Assert.Equal(0, age.ExitCode);
        }

        var result = Tool.Review("decrypt", "--identity", plainIdentity, "--in", inbox, "--out", output);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("신분증이", File.ReadAllText(Path.Combine(output, "by-usb", "report.txt")));
        Assert.Contains("신분증이", File.ReadAllText(Path.Combine(output, "by-chat", "report.txt")));
    }

    [Fact]
    public void Decrypt_RemovesWhatAnInterruptedRunLeftHalfWritten()
    {
        PutSeeds();
        var leftover = Path.Combine(output, ".partial-0123456789abcdef", "attachments");
        Directory.CreateDirectory(leftover);
        File.WriteAllText(Path.Combine(leftover, "half.txt"), "plaintext from a killed run");

        Assert.Equal(0, Decrypt().ExitCode);

        Assert.Empty(Directory.GetDirectories(output, ".partial-*"));
        Assert.Equal(6, Directory.GetDirectories(output).Length);
    }

    [Fact]
    public void Decrypt_EmptyInbox_IsAnError_AndWritesNothing()
    {
        var result = Decrypt();

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("review: error: no *.age files", result.Stderr);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void AnAttachmentsType_IsShownAsTheSendersClaim_AndAFileThatWouldRun_IsSavedUnderAnInertName()
    {
        File.WriteAllBytes(Path.Combine(inbox, "claimed.age"), SealBundle(SeedReports.Document(SeedReports.All[0]),
            new AttachmentSource("invoice.html", "image/png", true, () => new MemoryStream("<script>alert(1)</script>"u8.ToArray()))));

        Assert.Equal(0, Decrypt("--language", "en").ExitCode);

        var folder = Path.Combine(output, "claimed");
        Assert.Equal(["invoice.html.bin"], Directory.GetFiles(Path.Combine(folder, "attachments")).Select(Path.GetFileName));
        var text = File.ReadAllText(Path.Combine(folder, "report.txt"));
        Assert.Contains("attachments/invoice.html.bin", text);
        Assert.Contains("the sender says: image/png, metadata removed", text);
    }
}
