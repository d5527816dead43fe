using System.Text;
using Reporting.Client.Tests.Infrastructure;
using Reporting.Format.Age;
using Reporting.Format.Keys;
using Xunit;

namespace Reporting.Client.Tests;

/// <summary>The reviewers' side end to end through the real processes: a source submits with <c>report</c>,
/// reviewers fetch online, decrypt offline, answer, push; the source reads the answer.</summary>
public sealed class ReviewFlowTests : IDisposable
{
    const string Passphrase = "correct horse battery staple for tests";
    readonly TempFolder dir = new();
    readonly string passphraseFile;

    public ReviewFlowTests() => passphraseFile = dir.Write("passphrase", Passphrase + "\n");

    public void Dispose() => dir.Dispose();

    [Fact]
    public void ReviewerCanReadWhatSourceSent_AndSourceReadsTheAnswer()
    {
        using var server = ServerFixture.Start();
        var (identity, access) = WriteKeys(server.Reviewers[0]);
        using var source = new SourceMachine();
        source.Init(server);
        var (text, canary) = source.TextFile("Three people from our group were taken by the police near the border in January.");
        var submitted = source.Report("submit", "--category", "arrest", "--region", "Liaoning", "--when", "2023-01", "--text-file", text, "--yes");
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        var id = SourceMachine.IdOf(submitted)!;
        var codename = source.Files.Write("codename", SourceMachine.CodenameOf(submitted)! + "\n");

        var fetched = Review("fetch", "--server", server.Url.ToString(), "--access-key", access, "--passphrase-file", passphraseFile, "--out", dir["inbox"]);
        Assert.True(fetched.ExitCode == 0, fetched.ToString());
        Assert.True(File.Exists(dir[$"inbox/{id}.age"]));
        Assert.Contains(id, File.ReadAllText(dir["inbox/manifest.json"]));

        var decrypted = Review("decrypt", "--identity", identity, "--passphrase-file", passphraseFile, "--in", dir["inbox"], "--out", dir["reports"]);
        Assert.True(decrypted.ExitCode == 0, decrypted.ToString());
        var reportText = File.ReadAllText(dir[$"reports/{id}/report.txt"]);
        Assert.Contains(canary, reportText);
        Assert.Contains("Liaoning", reportText);

        var answer = Canary.New("answer");
        var replied = Review("reply", "--identity", identity, "--passphrase-file", passphraseFile, "--report", dir[$"reports/{id}"],
            "--text-file", dir.Write("answer.txt", $"We read your report. {answer}\n"), "--out", dir["answers"]);
        Assert.True(replied.ExitCode == 0, replied.ToString());
        var pushed = Review("push", "--server", server.Url.ToString(), "--access-key", access, "--passphrase-file", passphraseFile, "--in", dir["answers"], "--spread", "0");
        Assert.True(pushed.ExitCode == 0, pushed.ToString());
        Assert.Empty(Directory.GetFiles(dir["answers"], "*.reply.*"));
        Assert.Single(Directory.GetFiles(dir["answers/sent"], "*.reply.age"));

        var replies = source.Report("replies", "--codename-file", codename);
        Assert.True(replies.ExitCode == 0, replies.ToString());
        Assert.Contains(answer, replies.Stdout);

        // Nothing readable, no client address, no codename on the server side.
        Canary.AssertAbsent(server.DataDir, canary, answer);
        Assert.DoesNotContain(canary, server.Log);
        // The server names its own address once when it starts; every client came from 127.0.0.1 too.
        var requestLog = string.Join('\n', server.Log.Split('\n').Where(l => !l.Contains("Now listening on", StringComparison.Ordinal)));
        Assert.DoesNotContain("127.0.0.1", requestLog);
        Assert.DoesNotContain(File.ReadAllText(codename).Trim(), server.Log);
    }

    [Fact]
    public void Fetch_SkipsWhatItHas_AndDeleteRemovesOnlyVerifiedDownloads()
    {
        using var server = ServerFixture.Start();
        var (_, access) = WriteKeys(server.Reviewers[0]);
        using var source = new SourceMachine();
        source.Init(server);
        for (var i = 0; i < 2; i++)
            Assert.Equal(0, source.Report("submit", "--category", "illness", "--text-file", source.TextFile().Path, "--no-reply", "--yes").ExitCode);
        string[] fetch = ["fetch", "--server", server.Url.ToString(), "--access-key", access, "--passphrase-file", passphraseFile, "--out", dir["inbox"]];

        var first = Review(fetch);
        var second = Review(fetch);
        // A damaged local copy is not deleted from the server: it is downloaded again first.
        var damaged = Directory.GetFiles(dir["inbox"], "*.age")[0];
        File.WriteAllBytes(damaged, [.. File.ReadAllBytes(damaged)[..^1], 0]);
        var withDelete = Review([.. fetch, "--delete"]);

        Assert.Contains("2 new, 0 already here", first.Stderr);
        Assert.Contains("0 new, 2 already here", second.Stderr);
        Assert.True(withDelete.ExitCode == 0, withDelete.ToString());
        Assert.Contains("1 new, 1 already here, 2 deleted", withDelete.Stderr);
        using var api = server.ReviewerApi();
        Assert.Empty(api.List());
        var identity = server.Reviewers[0].Identity;
        foreach (var file in Directory.GetFiles(dir["inbox"], "*.age"))
        {
            using var input = File.OpenRead(file);
            AgeFile.Open(input, Stream.Null, [identity]);
        }
    }

    [Fact]
    public void FetchDelete_ByAReviewerAddedInALaterRoster_DeletesNothingSealedOnlyToOthers()
    {
        using var server = ServerFixture.Start();
        var alice = server.Reviewers[0];
        using var bob = TestReviewer.Generate("bob");
        var (_, aliceAccess) = WriteKeys(alice);
        var (_, bobAccess) = WriteKeys(bob);
        using var source = new SourceMachine();
        source.Init(server);
        for (var i = 0; i < 2; i++)
            Assert.Equal(0, source.Report("submit", "--category", "illness", "--text-file", source.TextFile().Path, "--no-reply", "--yes").ExitCode);
        // Version 2 adds bob beside alice; the source seals its next report to both.
        server.Restart(TestRoster.Sign(server.Organisation, [alice, bob], version: 2));
        var both = source.Report("submit", "--category", "arrest", "--text-file", source.TextFile().Path, "--no-reply", "--yes");
        Assert.True(both.ExitCode == 0, both.ToString());
        var sharedId = SourceMachine.IdOf(both)!;

        var byBob = Review("fetch", "--server", server.Url.ToString(), "--access-key", bobAccess, "--passphrase-file", passphraseFile, "--out", dir["bob"], "--delete");

        Assert.True(byBob.ExitCode == 0, byBob.ToString());
        Assert.Contains("3 new, 0 already here, 1 deleted from the server, 2 kept there for other reviewers", byBob.Stderr);
        Assert.Contains("roster version 1 does not list you", byBob.Stderr);
        using var api = server.ReviewerApi();
        var left = api.List();
        Assert.Equal(2, left.Count);
        Assert.DoesNotContain(left, r => r.Id == sharedId);
        Assert.All(left, r => Assert.Equal(1, r.RosterVersion));
        // What bob deleted he can read; the roster history he relied on is kept beside the reports.
        using (var shared = File.OpenRead(dir[$"bob/{sharedId}.age"]))
            AgeFile.Open(shared, Stream.Null, [bob.Identity]);
        Assert.True(File.Exists(dir["bob/rosters/1.json"]) && File.Exists(dir["bob/rosters/2.json"]));
        Assert.Equal(server.OrganisationKey, File.ReadAllText(dir["bob/rosters/organisation"]).Trim());

        // Alice, in both versions, deletes the rest; a wrong --org-key is refused before anything is deleted.
        var wrongOrg = SigningKey.Generate(SigningKeyKind.Organisation);
        var refused = Review("fetch", "--server", server.Url.ToString(), "--access-key", aliceAccess, "--passphrase-file", passphraseFile, "--out", dir["alice"], "--delete", "--org-key", wrongOrg.PublicKey.ToString());
        wrongOrg.Dispose();
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("review: error: the server's roster version 1: the roster is signed by another organisation", refused.Stderr);
        Assert.Equal(2, api.List().Count);
        var byAlice = Review("fetch", "--server", server.Url.ToString(), "--access-key", aliceAccess, "--passphrase-file", passphraseFile, "--out", dir["alice"], "--delete", "--org-key", server.OrganisationKey);
        Assert.True(byAlice.ExitCode == 0, byAlice.ToString());
        Assert.Contains(" already here, 2 deleted from the server, 0 kept there for other reviewers", byAlice.Stderr);
        Assert.Empty(api.List());
    }

    [Fact]
    public void Fetch_WithWrongPassphrase_SaysSo_AndWritesNothing()
    {
        using var server = ServerFixture.Start();
        var (_, access) = WriteKeys(server.Reviewers[0]);

        var result = Review("fetch", "--server", server.Url.ToString(), "--access-key", access,
            "--passphrase-file", dir.Write("wrong", "not the passphrase\n"), "--out", dir["inbox"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("review: error: wrong passphrase", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.False(Directory.Exists(dir["inbox"]));
    }

    [Fact]
    public void Reply_ToASourceWhoAskedForNone_IsRefused()
    {
        using var server = ServerFixture.Start();
        var (identity, access) = WriteKeys(server.Reviewers[0]);
        using var source = new SourceMachine();
        source.Init(server);
        var id = SourceMachine.IdOf(source.Report("submit", "--category", "other", "--text-file", source.TextFile().Path, "--no-reply", "--yes"))!;
        Review("fetch", "--server", server.Url.ToString(), "--access-key", access, "--passphrase-file", passphraseFile, "--out", dir["inbox"]);
        Review("decrypt", "--identity", identity, "--passphrase-file", passphraseFile, "--in", dir["inbox"], "--out", dir["reports"]);

        var result = Review("reply", "--identity", identity, "--passphrase-file", passphraseFile, "--report", dir[$"reports/{id}"],
            "--text-file", dir.Write("answer.txt", "hello\n"), "--out", dir["answers"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("asked for no answer", result.Stderr);
        Assert.False(Directory.Exists(dir["answers"]));
    }

    [Fact]
    public void RosterChange_NewReviewerReadsNewReports_RemovedReviewerLosesAccess_OldReportsStayReadable()
    {
        using var server = ServerFixture.Start();
        var first = server.Reviewers[0];
        using var second = new TestReviewer("reviewer2", X25519Identity.Generate(), SigningKey.Generate(SigningKeyKind.Access));
        var (firstIdentity, firstAccess) = WriteKeys(first);
        var (secondIdentity, secondAccess) = WriteKeys(second);
        using var source = new SourceMachine();
        source.Init(server);
        var (oldText, oldCanary) = source.TextFile("Sealed to the first roster.");
        var oldId = SourceMachine.IdOf(source.Report("submit", "--category", "illness", "--text-file", oldText, "--no-reply", "--yes"))!;

        // The organisation signs version 2: the second reviewer replaces the first. The operator restarts the server.
        server.Restart(TestRoster.Sign(server.Organisation, [second], version: 2));
        var (newText, newCanary) = source.TextFile("Sealed to the second roster.");
        var submitted = source.Report("submit", "--category", "death", "--text-file", newText, "--no-reply", "--yes");
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        var newId = SourceMachine.IdOf(submitted)!;

        var removed = Review("fetch", "--server", server.Url.ToString(), "--access-key", firstAccess, "--passphrase-file", passphraseFile, "--out", dir["first-inbox"]);
        var fetched = Review("fetch", "--server", server.Url.ToString(), "--access-key", secondAccess, "--passphrase-file", passphraseFile, "--out", dir["inbox"]);
        var byFirst = Review("decrypt", "--identity", firstIdentity, "--passphrase-file", passphraseFile, "--in", dir["inbox"], "--out", dir["first"]);
        var bySecond = Review("decrypt", "--identity", secondIdentity, "--passphrase-file", passphraseFile, "--in", dir["inbox"], "--out", dir["second"]);

        Assert.Equal(1, removed.ExitCode);
        Assert.Contains("refused", removed.Stderr);
        Assert.True(fetched.ExitCode == 0, fetched.ToString());
        Assert.Contains(oldCanary, File.ReadAllText(dir[$"first/{oldId}/report.txt"]));
        Assert.False(File.Exists(dir[$"first/{newId}/report.txt"]));
        Assert.Contains(newCanary, File.ReadAllText(dir[$"second/{newId}/report.txt"]));
        Assert.False(File.Exists(dir[$"second/{oldId}/report.txt"]));
        Assert.NotEqual(0, byFirst.ExitCode);
        Assert.NotEqual(0, bySecond.ExitCode);
    }

    /// <summary>The whole flow on a post-quantum roster (docs/DESIGN.md D1): the report is sealed to the reviewers'
    /// hybrid keys and carries a hybrid reply address; the answer is sealed to it; no X25519 stanza is stored
    /// anywhere, so a copy of the server taken today opens nothing once X25519 falls.</summary>
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
