using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Reporting.Client.Tests.Infrastructure;
using Reporting.Format.Codenames;
using Xunit;

namespace Reporting.Client.Tests;

/// <summary>report init / submit / send / outbox / replies against the real server on loopback.</summary>
public sealed class SubmitTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void Submission_ArrivesAndDecryptsWithStockAge()
    {
        using var server = ServerFixture.Start(reviewers: 2);
        using var source = new SourceMachine();
        source.Init(server);
        var (text, canary) = source.TextFile();

        var result = source.Report("submit", "--category", "illness", "--region", "Jilin province", "--when", "2023-02", "--text-file", text, "--yes");

        Assert.True(result.ExitCode == 0, result.ToString());
        var id = SourceMachine.IdOf(result);
        Assert.NotNull(id);
        using var api = server.ReviewerApi();
        var stored = Assert.Single(api.List());
        Assert.Equal(id, stored.Id);
        Assert.Equal(server.Roster.Roster.Version, stored.RosterVersion);
        var envelope = api.Fetch(id!);
        foreach (var reviewer in server.Reviewers)
        {
            var report = StockAge.OpenReport(envelope, reviewer);
            Assert.Contains(canary, report.Text);
            Assert.Equal("illness", report.Document.GetProperty("category").GetString());
            Assert.Equal("Jilin province", report.Document.GetProperty("region").GetString());
            Assert.Equal("2023-02", report.Document.GetProperty("when").GetString());
            Assert.StartsWith("age1", report.Document.GetProperty("reply").GetProperty("recipient").GetString());
            Assert.StartsWith("reportmailbox1", report.Document.GetProperty("reply").GetProperty("mailbox").GetString());
        }
        // Padded: the plaintext is longer than the tar it holds, and the codename was shown once.
        Assert.NotNull(SourceMachine.CodenameOf(result));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(source.Home, "outbox")));
        Assert.DoesNotContain(canary, server.Log);
    }

    [Fact]
    public void Submit_WithNoReply_CarriesNoReplyAddressAndShowsNoCodename()
    {
        using var server = ServerFixture.Start();
        using var source = new SourceMachine();
        source.Init(server);
        var (text, _) = source.TextFile();

        var result = source.Report("submit", "--category", "needs-help", "--text-file", text, "--no-reply", "--yes");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Null(SourceMachine.CodenameOf(result));
        using var api = server.ReviewerApi();
        var report = StockAge.OpenReport(api.Fetch(SourceMachine.IdOf(result)!), server.Reviewers[0]);
        Assert.False(report.Document.TryGetProperty("reply", out var reply) && reply.ValueKind != System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public void Submit_WhenServerIsDown_IsQueuedWithItsOwnExitCode_AndSendDeliversItLater()
    {
        using var server = ServerFixture.Start();
        using var source = new SourceMachine();
        using (var proxy = new FlakyProxy(server.Url, seed: 1, faultRate: 0))
        {
            source.Init(server, proxy.Url);
        }
        // The proxy is gone: the pinned address now refuses connections.
        var (text, canary) = source.TextFile();

        var queued = source.Report("submit", "--category", "arrest", "--text-file", text, "--yes", "--attempts", "2", "--timeout", "2");

        Assert.True(queued.ExitCode == 75, queued.ToString());
        Assert.Contains("queued: ", queued.Stdout);
        var listing = source.Report("outbox");
        Assert.Equal(0, listing.ExitCode);
        var line = Assert.Single(listing.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("roster v1", line);
        Assert.DoesNotContain(canary, listing.Stdout + listing.Stderr);

        var again = source.Report("send", "--pause", "0", "--attempts", "1", "--timeout", "2");
        Assert.True(again.ExitCode == 75, again.ToString());

        SendsOnceTheLineIsBack(source, server, new Uri(ReadServer(source)).Port, canary);
    }

    /// <summary>The pinned address leads to the server again: <c>report send</c> delivers the queued report,
    /// which is then stored once, and the outbox is empty.</summary>
    static void SendsOnceTheLineIsBack(SourceMachine source, ServerFixture server, int port, string canary)
    {
        using var relay = new FlakyProxy(server.Url, seed: port, faultRate: 0, listenPort: port);
        var sent = source.Report("send", "--pause", "0");
        Assert.True(sent.ExitCode == 0, sent.ToString());
        using var api = server.ReviewerApi();
        var stored = Assert.Single(api.List());
        Assert.Contains(canary, StockAge.OpenReport(api.Fetch(stored.Id), server.Reviewers[0]).Text);
        Assert.Equal("", source.Report("outbox").Stdout.Trim());
    }

    [Fact]
    public void Submit_ThroughFlakyProxy_EveryReportArrivesExactlyOnce()
    {
        using var server = ServerFixture.Start();
        using var proxy = new FlakyProxy(server.Url, seed: 20261127, faultRate: 0.6, maxFaults: 20, stall: TimeSpan.FromSeconds(6));
        using var source = new SourceMachine();
        var delivery = new[] { "--timeout", "2", "--attempts", "8" };
        var init = source.Report(["init", "--server", proxy.Url.ToString(), "--org-key", server.OrganisationKey, .. delivery]);
        Assert.True(init.ExitCode == 0, init.ToString());

        var canaries = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var (text, canary) = source.TextFile($"report number {i}");
            canaries.Add(canary);
            var result = source.Report(["submit", "--category", "other", "--text-file", text, "--no-reply", "--yes", .. delivery]);
            output.WriteLine(result.Stderr);
            Assert.True(result.ExitCode is 0 or 75, result.ToString());
        }
        for (var round = 0; round < 5 && source.Report("outbox").Stdout.Trim().Length > 0; round++)
            source.Report(["send", "--pause", "0", .. delivery]);
        Assert.Equal("", source.Report("outbox").Stdout.Trim());

        using var api = server.ReviewerApi();
        var texts = api.List().Select(r => StockAge.OpenReport(api.Fetch(r.Id), server.Reviewers[0]).Text).ToList();
        Assert.Equal(canaries.Count, texts.Count);
        foreach (var canary in canaries)
            Assert.Single(texts, t => t.Contains(canary));
        output.WriteLine($"{proxy.Connections} connections; faults: {string.Join(", ", proxy.Inflicted.Select(f => $"{f.Kind} {(f.TowardServer ? "request" : "answer")} {f.Request}"))}");
        // Lines were cut both ways, including answers lost after the server had the whole request.
        Assert.Contains(proxy.Inflicted, f => f.TowardServer);
        Assert.Contains(proxy.Inflicted, f => !f.TowardServer && f.Request == 2);
    }

    [Fact]
    public async Task Submit_BehindACaptivePortal_IsQueued_NotFailed_AndSentOnceTheLineIsFree()
    {
        using var server = ServerFixture.Start();
        using var source = new SourceMachine();
        var port = ServerProcess.FreePort();
        using (new FlakyProxy(server.Url, seed: 5, faultRate: 0, listenPort: port))
            source.Init(server, new Uri($"http://127.0.0.1:{port}/"));
        var (text, canary) = source.TextFile();

        // A hotel or café network answers every request with its login page, 200 and HTML.
        var portal = WebApplication.CreateSlimBuilder();
        portal.Logging.ClearProviders();
        portal.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using (var app = portal.Build())
        {
            app.Run(context =>
            {
                context.Response.ContentType = "text/html";
                return context.Response.WriteAsync("<html><body>Please log in to use the free Wi-Fi</body></html>");
            });
            await app.StartAsync();
            var queued = source.Report("submit", "--category", "arrest", "--text-file", text, "--yes", "--attempts", "2", "--timeout", "2");
            Assert.True(queued.ExitCode == 75, queued.ToString());
            Assert.Contains("queued: ", queued.Stdout);
        }

        SendsOnceTheLineIsBack(source, server, port, canary);
    }

    [Fact]
    public void Submit_ThroughSocks5Proxy_IsDelivered_AndQueuedWhenTheProxyIsDown()
    {
        using var server = ServerFixture.Start();
        using var source = new SourceMachine();
        var port = ServerProcess.FreePort();
        var proxyUrl = $"socks5://127.0.0.1:{port}";
        using (var socks = Microsocks.Start(port))
        {
            source.Init(server, null, "--proxy", proxyUrl);
            var (text, canary) = source.TextFile();
            var result = source.Report("submit", "--category", "death", "--text-file", text, "--yes");
            Assert.True(result.ExitCode == 0, result.ToString());
            using var api = server.ReviewerApi();
            Assert.Contains(canary, StockAge.OpenReport(api.Fetch(SourceMachine.IdOf(result)!), server.Reviewers[0]).Text);
        }

        // With the proxy gone the report cannot leave: it is not sent around it.
        var (second, _) = source.TextFile();
        var queued = source.Report("submit", "--category", "death", "--text-file", second, "--yes", "--attempts", "2", "--timeout", "2");
        Assert.True(queued.ExitCode == 75, queued.ToString());
        using (var socks = Microsocks.Start(port))
        {
            var sent = source.Report("send", "--pause", "0");
            Assert.True(sent.ExitCode == 0, sent.ToString());
        }
        using var reviewer = server.ReviewerApi();
        Assert.Equal(2, reviewer.List().Count);
    }

    [Fact]
    public void Submit_ThroughAnHttpProxy_ReachesAServerOnlyTheProxyCanReach()
    {
        using var server = ServerFixture.Start();
        // A plain relay to the server: the client speaks proxy-style HTTP (absolute URIs), which the
        // server accepts; the onion name below resolves nowhere, so only the proxy path can work.
        using var proxy = new FlakyProxy(server.Url, seed: 3, faultRate: 0);
        using var source = new SourceMachine();
        var init = source.Report("init", "--server", "http://abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuv.onion/", "--org-key", server.OrganisationKey, "--proxy", proxy.Url.ToString().TrimEnd('/'));
        Assert.True(init.ExitCode == 0, init.ToString());
        var (text, canary) = source.TextFile();

        var result = source.Report("submit", "--category", "arrest", "--text-file", text, "--yes");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(proxy.Connections > 0);
        using var api = server.ReviewerApi();
        Assert.Contains(canary, StockAge.OpenReport(api.Fetch(SourceMachine.IdOf(result)!), server.Reviewers[0]).Text);
    }

    [Fact]
    public void OnionServerWithoutProxy_IsRefusedWithAHint()
    {
        using var source = new SourceMachine();
        using var organisation = Reporting.Format.Keys.SigningKey.Generate(Reporting.Format.Keys.SigningKeyKind.Organisation);

        var result = source.Report("init", "--server", "http://abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuv.onion/", "--org-key", organisation.PublicKey.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("report: error: an .onion address can only be reached through Tor", result.Stderr);
        Assert.Contains("report: hint: ", result.Stderr);
        Assert.Contains("--proxy socks5://", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public void Export_WritesAnEnvelopeToCarryByHand_AndSendsNothing()
    {
        using var server = ServerFixture.Start();
        using var source = new SourceMachine();
        source.Init(server);
        var (text, canary) = source.TextFile();
        var file = source.Files["carry/report.age"];
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);

        var result = source.Report("submit", "--category", "forced-return", "--text-file", text, "--yes", "--export", file);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(canary, StockAge.OpenReport(File.ReadAllBytes(file), server.Reviewers[0]).Text);
        using var api = server.ReviewerApi();
        Assert.Empty(api.List());
        Assert.Equal("", source.Report("outbox").Stdout.Trim());
        Canary.AssertAbsent(Path.GetDirectoryName(file)!, canary);
    }

    [Fact]
    public void Replies_WithTheCodename_ShowTheReviewersAnswer_AndStoreNothing()
    {
        using var server = ServerFixture.Start();
        using var source = new SourceMachine();
        source.Init(server);
        var (text, _) = source.TextFile();
        var submitted = source.Report("submit", "--category", "illness", "--text-file", text, "--yes");
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        var codename = SourceMachine.CodenameOf(submitted)!;

        using var api = server.ReviewerApi();
        var report = StockAge.OpenReport(api.Fetch(SourceMachine.IdOf(submitted)!), server.Reviewers[0]);
        var reply = report.Document.GetProperty("reply");
        var answer = Canary.New("answer") + " 잘 받았습니다\u001b[31m";
        var padded = new byte[64 + Encoding.UTF8.GetByteCount(answer)];
        Encoding.UTF8.GetBytes(answer, padded);
        api.PostReply(reply.GetProperty("mailbox").GetString()!, StockAge.Seal(padded, [reply.GetProperty("recipient").GetString()!]));
        var codenameFile = source.Files.Write("codename.txt", codename + "\n");
        var before = Directory.EnumerateFileSystemEntries(source.Home, "*", SearchOption.AllDirectories).Order().ToList();

        var result = source.Report("replies", "--codename-file", codenameFile);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(answer[..^5], result.Stdout);
        Assert.Contains("\\u{1B}[31m", result.Stdout);
        Assert.DoesNotContain('\u001b', result.Stdout);
        Assert.Equal(before, Directory.EnumerateFileSystemEntries(source.Home, "*", SearchOption.AllDirectories).Order().ToList());
        Canary.AssertAbsent(source.Home, answer[..^5], codename);
    }

    [Fact]
    public void Replies_WithAMistypedCodename_SayWhichWordIsWrong()
    {
        using var server = ServerFixture.Start();
        using var source = new SourceMachine();
        source.Init(server, null, "--roster", server.RosterFile);
        var words = Codename.Generate(Wordlist.English).ToString().Split(' ');
        words[2] = "notaword";
        var file = source.Files.Write("codename.txt", string.Join(' ', words));

        var result = source.Report("replies", "--codename-file", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("word 3", result.Stderr);
    }

    static string ReadServer(SourceMachine source) =>
        System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(source.Home, "config.json"))).RootElement.GetProperty("server").GetString()!;
}
