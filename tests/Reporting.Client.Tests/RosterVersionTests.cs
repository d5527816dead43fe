using System.Text;
using Reporting.Client.Tests.Infrastructure;
using Xunit;

namespace Reporting.Client.Tests;

/// <summary>One roster version, one content (docs/DESIGN.md D3): a client refuses a second file under a
/// version it holds, and the organisation's ledger refuses to sign a version twice.</summary>
public sealed class RosterVersionTests
{
    [Fact]
    public void Init_WithARosterOfTheVersionItHolds_ButOtherContent_IsRefused_AndTheHeldOneStays()
    {
        using var server = ServerFixture.Start();
        using var source = new SourceMachine();
        source.Init(server);
        var held = File.ReadAllBytes(Path.Combine(source.Home, "roster.json"));

        // The same version signed again by the real organisation key: valid in every other respect.
        var swapped = TestRoster.Sign(server.Organisation, server.Reviewers, version: 1, validDays: 60);
        var file = source.Files.Write("swapped.json", Encoding.UTF8.GetString(swapped.FileBytes));
        var result = source.Report("init", "--server", server.Url.ToString(), "--org-key", server.OrganisationKey, "--roster", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("carries the version of one this computer already has, but says something else", result.Stderr);
        Assert.Contains("report: hint:", result.Stderr);
        Assert.Equal(held, File.ReadAllBytes(Path.Combine(source.Home, "roster.json")));
    }

    [Fact]
    public void OrgSign_RefusesAVersionItSignedBefore_AndNamesTheNextOne()
    {
        using var dir = new TempFolder();
        var pass = dir.Write("pass", "a long enough test passphrase\n");
        Assert.Equal(0, Tool.Review("org", "init", "--out", dir["org.key"], "--passphrase-file", pass).ExitCode);
        Assert.Equal(0, Tool.Review("keygen", "--name", "alice", "--out", dir["keys"], "--passphrase-file", pass).ExitCode);
        string[] Sign(string version, string output) =>
            ["org", "sign", "--org-key", dir["org.key"], "--passphrase-file", pass, "--entry", dir["keys/alice.entry.json"], "--version", version, "--out", dir[output]];

        var first = Tool.Review(Sign("3", "roster-3.json"));
        var again = Tool.Review(Sign("3", "roster-3b.json"));
        var lower = Tool.Review(Sign("2", "roster-2.json"));
        var next = Tool.Review(Sign("4", "roster-4.json"));

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("review: error: roster version 3 was already signed with this key on ", again.Stderr);
        Assert.Contains("sign --version 4", again.Stderr);
        Assert.False(File.Exists(dir["roster-3b.json"]));
        Assert.Equal(1, lower.ExitCode);
        Assert.Contains("lower than version 3", lower.Stderr);
        Assert.True(next.ExitCode == 0, next.ToString());
        var ledger = File.ReadAllLines(dir["org.key.ledger"]);
        Assert.Equal(["3", "4"], ledger.Select(line => line.Split(' ')[0]));
    }
}
