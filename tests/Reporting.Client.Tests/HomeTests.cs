using Reporting.Client.Tests.Infrastructure;
using Xunit;

namespace Reporting.Client.Tests;

/// <summary>Where the client keeps its state: --home before or after the subcommand, else REPORT_HOME.</summary>
public sealed class HomeTests
{
    [Fact]
    public void Home_IsTakenBeforeOrAfterTheSubcommand_OrFromReportHome()
    {
        using var server = ServerFixture.Start();
        using var folder = new TempFolder();
        string[] init = ["--server", server.Url.ToString(), "--org-key", server.OrganisationKey, "--roster", server.RosterFile];

        Assert.Equal(0, Tool.Report(["--home", folder["before"], "init", .. init]).ExitCode);
        Assert.Equal(0, Tool.Report(["init", .. init, "--home", folder["after"]]).ExitCode);
        Assert.Equal(0, Tool.Run("report", ["init", .. init], environment: new Dictionary<string, string> { ["REPORT_HOME"] = folder["variable"] }).ExitCode);

        foreach (var home in new[] { "before", "after", "variable" })
            Assert.True(File.Exists(Path.Combine(folder[home], "config.json")), home);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Home_HoldsOnlyOwnerReadableFiles()
    {
        using var server = ServerFixture.Start();
        using var source = new SourceMachine();
        source.Init(server);
        var (text, _) = source.TextFile();
        Assert.Equal(75, source.Report("submit", "--category", "other", "--text-file", text, "--yes", "--proxy", $"http://127.0.0.1:{ServerProcess.FreePort()}", "--attempts", "1").ExitCode);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(source.Home));
        foreach (var file in Directory.EnumerateFiles(source.Home, "*", SearchOption.AllDirectories))
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(2, Directory.EnumerateFiles(Path.Combine(source.Home, "outbox")).Count());
    }

    [Fact]
    public void WithoutATerminal_ProgressIsPlainLines()
    {
        using var server = ServerFixture.Start();
        using var source = new SourceMachine();
        source.Init(server);
        var (text, _) = source.TextFile();

        var result = source.Report("submit", "--category", "other", "--text-file", text, "--no-reply", "--yes");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("report: sealing…\n", result.Stderr);
        Assert.Contains("report: sending: done\n", result.Stderr);
        Assert.DoesNotContain('\r', result.Stderr);
    }
}
