using System.Text;
using System.Text.Json;
using Reporting.Client.Tests.Infrastructure;
using Reporting.Format.Keys;
using Xunit;

namespace Reporting.Client.Tests;

/// <summary>report init refuses a roster it cannot trust, and says why in plain words.</summary>
public sealed class RosterTests
{
    [Fact]
    public void Init_FetchesAndVerifiesTheRoster_AndPinsTheSettings()
    {
        using var server = ServerFixture.Start(reviewers: 3, rosterVersion: 4);
        using var source = new SourceMachine();

        var result = source.Report("init", "--server", server.Url.ToString(), "--org-key", server.OrganisationKey, "--language", "zh");
        var pinned = source.Report("init", "--server", server.Url.ToString(), "--org-key", server.OrganisationKey, "--proxy", "socks5h://127.0.0.1:9050", "--roster", server.RosterFile);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("版本 4，3 位审阅人", result.Stderr);
        Assert.True(pinned.ExitCode == 0, pinned.ToString());
        Assert.Contains("版本 4，3 位审阅人", pinned.Stderr);   // the language stays pinned
        var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(source.Home, "config.json"))).RootElement;
        Assert.Equal(server.OrganisationKey, config.GetProperty("organisation").GetString());
        Assert.Equal("zh", config.GetProperty("language").GetString());
        Assert.Equal("socks5://127.0.0.1:9050/", config.GetProperty("proxy").GetString());
        Assert.Equal(server.Roster.FileBytes, File.ReadAllBytes(Path.Combine(source.Home, "roster.json")));
    }

    [Fact]
    public void Init_WithAnotherOrganisationsKey_RefusesTheRoster()
    {
        using var server = ServerFixture.Start();
        using var source = new SourceMachine();
        using var other = SigningKey.Generate(SigningKeyKind.Organisation);

        var result = source.Report("init", "--server", server.Url.ToString(), "--org-key", other.PublicKey.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("belongs to another organisation than the key you gave", result.Stderr);
        Assert.False(File.Exists(Path.Combine(source.Home, "roster.json")));
    }

    [Fact]
    public void Init_WithAMistypedOrganisationKey_SaysSo()
    {
        using var server = ServerFixture.Start();
        using var source = new SourceMachine();
        var key = server.OrganisationKey;
        var typo = key[..^3] + (key[^3] == 'q' ? 'p' : 'q') + key[^2..];

        var result = source.Report("init", "--server", server.Url.ToString(), "--org-key", typo);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("typing mistake", result.Stderr);
    }

    [Fact]
    public void Init_RefusesUnsignedExpiredAndOlderRosters_InPlainWords()
    {
        using var server = ServerFixture.Start();
        using var source = new SourceMachine();
        source.Init(server);

        var unsigned = Rewrite(server.Roster.FileBytes, signature: "");
        AssertRefused(source, server, unsigned, "has no signature");

        var expired = TestRoster.Sign(server.Organisation, server.Reviewers, version: 5, issuedDaysAgo: 100, validDays: 30);
        AssertRefused(source, server, expired.FileBytes, "has expired");

        var newer = TestRoster.Sign(server.Organisation, server.Reviewers, version: 7);
        var accepted = source.Report("init", "--server", server.Url.ToString(), "--org-key", server.OrganisationKey, "--roster", source.Files.Write("newer.json", Encoding.UTF8.GetString(newer.FileBytes)));
        Assert.True(accepted.ExitCode == 0, accepted.ToString());
        AssertRefused(source, server, server.Roster.FileBytes, "older than one this computer has already seen");

        // The server still serves version 1: a submit says why it keeps the newer roster it already has.
        var (text, _) = source.TextFile();
        var submitted = source.Report("submit", "--category", "other", "--text-file", text, "--yes", "--attempts", "1");
        Assert.Contains("older than one this computer has already seen", submitted.Stderr);
    }

    static void AssertRefused(SourceMachine source, ServerFixture server, byte[] roster, string why)
    {
        var file = source.Files.Write($"roster-{Guid.NewGuid():N}.json", Encoding.UTF8.GetString(roster));
        var result = source.Report("init", "--server", server.Url.ToString(), "--org-key", server.OrganisationKey, "--roster", file);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(why, result.Stderr);
        Assert.Contains("report: hint:", result.Stderr);
    }

    static byte[] Rewrite(byte[] roster, string signature)
    {
        var outer = JsonDocument.Parse(roster).RootElement;
        return JsonSerializer.SerializeToUtf8Bytes(new { payload = outer.GetProperty("payload").GetString(), signature });
    }
}
