using Reporting.Client.Tests.Infrastructure;
using Reporting.Format.Age;
using Reporting.Format.Keys;
using Xunit;

namespace Reporting.Client.Tests;

/// <summary>What a source can do with an envelope the server will no longer take.</summary>
public sealed class OutboxTests
{
    [Fact]
    public void ReportRefusedForItsOldRoster_SaysToCarryItByHandOrWriteItAgain_AndBothWork()
    {
        using var server = ServerFixture.Start(reviewers: 2);
        using var source = new SourceMachine();
        int port;
        using (var proxy = new FlakyProxy(server.Url, seed: 3, faultRate: 0))
        {
            source.Init(server, proxy.Url);
            port = proxy.Url.Port;
        }
        // Sealed to roster v1 while the server cannot be reached: it waits in the outbox.
        var (text, canary) = source.TextFile("Sealed to the first roster, delivered late.");
        var queued = source.Report("submit", "--category", "arrest", "--text-file", text, "--no-reply", "--yes", "--attempts", "1", "--timeout", "2");
        Assert.True(queued.ExitCode == 75, queued.ToString());
        var key = queued.Stdout.Split('\n').Single(l => l.StartsWith("queued: ", StringComparison.Ordinal))["queued: ".Length..].Trim();

        // Roster v2 keeps reviewer1 and replaces reviewer2; the server no longer takes v1.
        var kept = server.Reviewers[0];
        using var newcomer = new TestReviewer("reviewer3", X25519Identity.Generate(), SigningKey.Generate(SigningKeyKind.Access));
        server.Rebuild(TestRoster.Sign(server.Organisation, [kept, newcomer], version: 2));
        using var relay = new FlakyProxy(server.Url, seed: 4, faultRate: 0, listenPort: port);
        using var api = server.ReviewerApi();

        var refused = source.Report("send", "--pause", "0");
        var listing = source.Report("outbox");
        var connections = relay.Connections;
        var again = source.Report("send", "--pause", "0");

        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains($"refused: {key}", refused.Stdout);
        Assert.Contains("sealed to roster v1", refused.Stderr);
        Assert.Contains($"report outbox --export {key} --out FILE", refused.Stderr);
        Assert.Contains("reviewer of roster v1 who still has that key", refused.Stderr);
        Assert.Contains("report submit", refused.Stderr);
        Assert.Contains($"report outbox --drop {key}", refused.Stderr);
        Assert.Contains("not accepted any more", Assert.Single(listing.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Contains($"report outbox --export {key} --out FILE", listing.Stderr);
        // Not offered to the server again: a proof of work and a connection for a certain refusal.
        Assert.True(again.ExitCode == 1, again.ToString());
        Assert.Contains($"report outbox --export {key} --out FILE", again.Stderr);
        Assert.Equal(connections, relay.Connections);
        Assert.Empty(api.List());

        // Carried by hand: the exported file is the envelope, and the reviewer who kept the old key reads it.
        var carried = source.Files["carried.age"];
        var exported = source.Report("outbox", "--export", key, "--out", carried);
        Assert.True(exported.ExitCode == 0, exported.ToString());
        Assert.Contains(canary, StockAge.OpenReport(File.ReadAllBytes(carried), kept).Text);
        Assert.Equal(1, source.Report("outbox", "--export", key, "--out", carried).ExitCode); // never over an existing file

        // Or written again: sealed to v2 and delivered; then the old one is dropped.
        var rewritten = source.Report("submit", "--category", "arrest", "--text-file", text, "--no-reply", "--yes");
        var dropped = source.Report("outbox", "--drop", key);
        var unknown = source.Report("outbox", "--drop", key);

        Assert.True(rewritten.ExitCode == 0, rewritten.ToString());
        Assert.Equal(2, Assert.Single(api.List()).RosterVersion);
        Assert.True(dropped.ExitCode == 0, dropped.ToString());
        Assert.Equal("", source.Report("outbox").Stdout.Trim());
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("report outbox lists them", unknown.Stderr);
        source.AssertNoPlaintext();
    }
}
