using System.Text;
using Reporting.Client.Tests.Infrastructure;
using Reporting.Format.Age;
using Reporting.Format.Keys;
using Xunit;

namespace Reporting.Client.Tests;

/// <summary>The whole flow on a post-quantum roster, through the real processes (docs/DESIGN.md D1): the report is
/// sealed to the reviewers' hybrid keys and carries a hybrid reply address; the answer is sealed to it; no X25519
/// stanza is stored anywhere, so a copy of the server taken today opens nothing once X25519 falls.</summary>
public sealed class HybridFlowTests : IDisposable
{
    const string Passphrase = "correct horse battery staple for tests";
    readonly TempFolder dir = new();
    readonly string passphraseFile;

    public HybridFlowTests() => passphraseFile = dir.Write("passphrase", Passphrase + "\n");

    public void Dispose() => dir.Dispose();

    [Fact]
    public void HybridRoster_ReportAndAnswer_AreSealedPostQuantum_AndNoX25519StanzaIsStored()
    {
        using var server = ServerFixture.Start(reviewers: 2, kind: KeyKind.Hybrid);
        var (identity, access) = WriteKeys(server.Reviewers[0]);
        using var source = new SourceMachine();
        source.Init(server);
        var (text, canary) = source.TextFile("Two families were sent back across the river in March.");
        var submitted = source.Report("submit", "--category", "forced-return", "--text-file", text, "--yes");
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        var id = SourceMachine.IdOf(submitted)!;
        var codename = source.Files.Write("codename", SourceMachine.CodenameOf(submitted)! + "\n");

        Assert.Equal(0, Review("fetch", "--server", server.Url.ToString(), "--access-key", access, "--passphrase-file", passphraseFile, "--out", dir["inbox"]).ExitCode);
        var decrypted = Review("decrypt", "--identity", identity, "--passphrase-file", passphraseFile, "--in", dir["inbox"], "--out", dir["reports"]);
        Assert.True(decrypted.ExitCode == 0, decrypted.ToString());
        Assert.Contains(canary, File.ReadAllText(dir[$"reports/{id}/report.txt"]));
        Assert.Contains("\"age1pq1", File.ReadAllText(dir[$"reports/{id}/report.json"]));

        var answer = Canary.New("answer");
        var replied = Review("reply", "--identity", identity, "--passphrase-file", passphraseFile, "--report", dir[$"reports/{id}"],
            "--text-file", dir.Write("answer.txt", $"We read it. {answer}\n"), "--out", dir["answers"]);
        Assert.True(replied.ExitCode == 0, replied.ToString());
        Assert.DoesNotContain("warning", replied.Stderr);
        Assert.Equal(0, Review("push", "--server", server.Url.ToString(), "--access-key", access, "--passphrase-file", passphraseFile, "--in", dir["answers"], "--spread", "0").ExitCode);
        var replies = source.Report("replies", "--codename-file", codename);
        Assert.True(replies.ExitCode == 0, replies.ToString());
        Assert.Contains(answer, replies.Stdout);

        // What was sent: the report to both reviewers, the answer to the source and the team, all hybrid.
        AssertOnlyHybrid(File.ReadAllBytes(dir[$"inbox/{id}.age"]), stanzas: 2);
        AssertOnlyHybrid(File.ReadAllBytes(Assert.Single(Directory.GetFiles(dir["answers/sent"], "*.reply.age"))), stanzas: 2);
        // What the server keeps, byte for byte on its disk: hybrid stanzas, and not one X25519 stanza.
        var stored = Directory.EnumerateFiles(server.DataDir, "*", SearchOption.AllDirectories).Select(File.ReadAllBytes).ToList();
        Assert.Contains(stored, bytes => bytes.AsSpan().IndexOf("-> mlkem768x25519 "u8) >= 0);
        Assert.DoesNotContain(stored, bytes => bytes.AsSpan().IndexOf("-> X25519 "u8) >= 0);
        Canary.AssertAbsent(server.DataDir, canary, answer);
    }

    static void AssertOnlyHybrid(byte[] envelope, int stanzas)
    {
        var header = AgeHeader.Parse(new MemoryStream(envelope));
        Assert.Equal(stanzas, header.Stanzas.Count);
        Assert.All(header.Stanzas, s => Assert.Equal("mlkem768x25519", s.Type));
    }

    (string Identity, string Access) WriteKeys(TestReviewer reviewer) => ReviewerKeys.Write(dir, reviewer, Passphrase);

    static ToolResult Review(params string[] args) => Tool.Run("review", args);
}
