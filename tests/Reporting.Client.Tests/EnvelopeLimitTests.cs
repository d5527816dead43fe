using Reporting.Client.Tests.Infrastructure;
using Xunit;

namespace Reporting.Client.Tests;

/// <summary>The server's largest envelope, published beside the roster, is known before sealing: a report that
/// would be larger is refused while it can still be changed, never sealed, queued and refused for good.</summary>
public sealed class EnvelopeLimitTests
{
    static readonly Dictionary<string, string?> OneMebibyte = new() { ["Reporting:MaxEnvelopeBytes"] = (1 << 20).ToString() };

    /// <summary>report submit --yes with a text and one file of <paramref name="bytes"/> random bytes (not a photo).</summary>
    static ToolResult SubmitWithFileOf(SourceMachine source, int bytes)
    {
        var content = new byte[bytes];
        Random.Shared.NextBytes(content);
        var path = source.Files[$"recording-{bytes}.bin"];
        File.WriteAllBytes(path, content);
        var (text, _) = source.TextFile();
        return source.Report("submit", "--category", "other", "--text-file", text, "--attach", path, "--allow-unscrubbed", "--no-reply", "--yes");
    }

    [Fact]
    public void AttachmentUnderTheLimitButOverItOncePadded_IsRefusedBeforeSealing_AndNothingIsQueued()
    {
        using var server = ServerFixture.Start(settings: OneMebibyte);
        using var source = new SourceMachine();
        source.Init(server);

        // 1,040,000 bytes, under 1 MiB; with the tar headers and report.json Padmé rounds the bundle up to 1 MiB,
        // and age's header and tags put the envelope over it.
        var result = SubmitWithFileOf(source, 1_040_000);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("report: error: this report would be", result.Stderr);
        Assert.Contains("the server takes at most 1,024 KB", result.Stderr);
        Assert.Contains("report: hint: leave out an attachment", result.Stderr);
        Assert.DoesNotContain("sealing", result.Stderr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(source.Home, "outbox")));
        using var api = server.ReviewerApi();
        Assert.Empty(api.List());
    }

    [Fact]
    public void AttachmentThatFitsOncePadded_IsDelivered()
    {
        using var server = ServerFixture.Start(settings: OneMebibyte);
        using var source = new SourceMachine();
        source.Init(server);

        var result = SubmitWithFileOf(source, 900_000);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var api = server.ReviewerApi();
        Assert.Single(api.List());
    }

    [Fact]
    public void Limit_IsReadWithTheRoster_InTheUsersLanguage()
    {
        using var server = ServerFixture.Start(settings: OneMebibyte);
        using var source = new SourceMachine();
        source.Init(server, null, "--language", "zh");

        Assert.Equal("1048576", File.ReadAllText(Path.Combine(source.Home, "limits")));
        var result = SubmitWithFileOf(source, 1_100_000);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("report: 错误: 这份报告加密后有", result.Stderr);
        Assert.Contains("但服务器最多只收 1,024 KB", result.Stderr);
        Assert.Contains("report: 提示:", result.Stderr);
    }

    [Fact]
    public void QueuedReportLargerThanTheServerTakes_IsRefusedOnce_AndNeverOfferedAgain()
    {
        using var server = ServerFixture.Start(settings: OneMebibyte);
        using var source = new SourceMachine();
        // Set up while the server cannot be reached, so the limit is not known yet: the report is sealed and queued.
        var unreachable = new Uri($"http://127.0.0.1:{ServerProcess.FreePort()}/");
        source.Init(server, unreachable, "--roster", server.RosterFile);
        var queued = SubmitWithFileOf(source, 1_100_000);
        Assert.True(queued.ExitCode == 75, queued.ToString());

        source.Init(server);
        var sent = source.Report("send", "--pause", "0");

        Assert.True(sent.ExitCode == 1, sent.ToString());
        Assert.Contains("report: error: the server does not take report", sent.Stderr);
        Assert.Contains("report outbox --export", sent.Stderr);
        Assert.Contains("too large for the server", source.Report("outbox").Stdout);
        var again = source.Report("send", "--pause", "0");
        Assert.Equal(1, again.ExitCode);
        using var api = server.ReviewerApi();
        Assert.Empty(api.List());
    }
}
