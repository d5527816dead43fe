using System.Text;
using Reporting.Client.Tests.Infrastructure;
using Reporting.Format.Keys;
using Xunit;

namespace Reporting.Client.Tests;

/// <summary>Through Tor, what a client does must not travel on one circuit (docs/DESIGN.md D11): each report
/// delivered, each mailbox session and each answer pushed opens its own connection with SOCKS credentials of
/// its own (Tor's IsolateSOCKSAuth), and reports in one <c>report send</c> do not leave in one burst.</summary>
public sealed class StreamIsolationTests
{
    [Fact]
    public void TwoQueuedReportsAndAMailboxSession_EachUseAConnectionAndCredentialsOfTheirOwn()
    {
        using var server = ServerFixture.Start();
        using var source = new SourceMachine();
        int port;
        using (var first = RecordingSocks5.Start())
        {
            port = first.Port;
            source.Init(server, more: ["--proxy", first.Url.ToString()]);
        }
        // The proxy is down: both reports are sealed and queued.
        var (text, _) = source.TextFile();
        var withReply = source.Report("submit", "--category", "other", "--text-file", text, "--yes", "--attempts", "1", "--timeout", "2");
        var withoutReply = source.Report("submit", "--category", "other", "--text-file", text, "--no-reply", "--yes", "--attempts", "1", "--timeout", "2");
        Assert.True(withReply.ExitCode == 75, withReply.ToString());
        Assert.True(withoutReply.ExitCode == 75, withoutReply.ToString());
        var codename = source.Files.Write("codename", SourceMachine.CodenameOf(withReply)! + "\n");

        using var proxy = RecordingSocks5.Start(port);
        var sent = source.Report("send", "--pause", "2");
        var replies = source.Report("replies", "--codename-file", codename);

        Assert.True(sent.ExitCode == 0, sent.ToString());
        Assert.True(replies.ExitCode == 0, replies.ToString());
        Assert.Contains("waiting", sent.Stderr);
        // report send fetches the roster first (its receipt key), then delivers each report; then the mailbox session.
        var connections = proxy.Connections;
        Assert.Equal(4, connections.Count);
        Assert.All(connections, c => Assert.False(string.IsNullOrEmpty(c.User) || string.IsNullOrEmpty(c.Password)));
        Assert.Equal(4, connections.Select(c => (c.User, c.Password)).Distinct().Count());
        // The second report waited at least a quarter of --pause after the first.
        Assert.True(connections[2].Opened - connections[1].Opened >= TimeSpan.FromSeconds(0.5), $"{connections[1].Opened:O} {connections[2].Opened:O}");
        using var reviewer = server.ReviewerApi();
        Assert.Equal(2, reviewer.List().Count);
    }

    [Fact]
    public void ReviewPush_SendsEachAnswerOverAConnectionAndCredentialsOfItsOwn()
    {
        using var server = ServerFixture.Start();
        using var dir = new TempFolder();
        var pass = dir.Write("pass", "correct horse battery staple for tests\n");
        var reviewer = server.Reviewers[0];
        Directory.CreateDirectory(dir["keys"]);
        KeyFile.WriteIdentity(dir["keys/r.identity"], reviewer.Identity, Encoding.UTF8.GetBytes("correct horse battery staple for tests"));
        KeyFile.WriteSigningKey(dir["keys/r.access"], reviewer.AccessKey, Encoding.UTF8.GetBytes("correct horse battery staple for tests"));
        using var source = new SourceMachine();
        source.Init(server);
        for (var i = 0; i < 2; i++)
            Assert.Equal(0, source.Report("submit", "--category", "other", "--text-file", source.TextFile().Path, "--yes").ExitCode);
        string[] online = ["--server", server.Url.ToString(), "--access-key", dir["keys/r.access"], "--passphrase-file", pass];
        Assert.Equal(0, Tool.Review(["fetch", .. online, "--out", dir["inbox"]]).ExitCode);
        Assert.Equal(0, Tool.Review("decrypt", "--identity", dir["keys/r.identity"], "--passphrase-file", pass, "--in", dir["inbox"], "--out", dir["reports"]).ExitCode);
        foreach (var report in Directory.GetDirectories(dir["reports"]))
            Assert.Equal(0, Tool.Review("reply", "--identity", dir["keys/r.identity"], "--passphrase-file", pass, "--report", report,
                "--text-file", dir.Write("answer.txt", "Received.\n"), "--out", dir["answers"]).ExitCode);

        using var proxy = RecordingSocks5.Start();
        var pushed = Tool.Review(["push", .. online, "--in", dir["answers"], "--proxy", proxy.Url.ToString(), "--spread", "0"]);

        Assert.True(pushed.ExitCode == 0, pushed.ToString());
        Assert.Equal(2, proxy.Connections.Count);
        Assert.Equal(2, proxy.Connections.Select(c => (c.User, c.Password)).Distinct().Count());
    }
}
