using System.Text;
using Reporting.Client.Tests.Infrastructure;
using Reporting.Format.Keys;
using Reporting.Format.Rosters;
using Reporting.Testing;
using Xunit;

namespace Reporting.Client.Tests;

/// <summary>Roster freshness (docs/DESIGN.md D3): when the roster lists a freshness key, the report tool seals only
/// while a statement signed by it says that this very roster is current; a lapsed one, one for another roster, or
/// none, is refused with why and what to do. An invite's minimum roster version is enforced. Real server process,
/// real tools.</summary>
public sealed class FreshnessTests
{
    static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>The fixture's server, now serving roster version 2 that lists <paramref name="freshness"/>, with
    /// <paramref name="statement"/> (made from that roster) beside it.</summary>
    static SignedRoster ServeFreshRoster(ServerFixture server, SigningKey freshness, Func<SignedRoster, SignedFreshness?> statement)
    {
        var roster = TestRoster.Sign(server.Organisation, server.Reviewers, 2, freshness: freshness);
        if (statement(roster) is { } made)
            File.WriteAllBytes(server.FreshnessFile, made.FileBytes);
        server.Restart(roster);
        return roster;
    }

    static ToolResult Init(SourceMachine source, ServerFixture server, params string[] more) =>
        source.Report(["init", "--server", server.Url.ToString(), "--org-key", server.OrganisationKey, "--language", "en", .. more]);

    static ToolResult Submit(SourceMachine source, params string[] more) =>
        source.Report(["submit", "--category", "other", "--text-file", source.TextFile().Path, "--no-reply", "--yes", .. more]);

    [Fact]
    public void ALapsedStatement_IsRefused_SayingWhenItLapsedAndWhatToDo_AndNothingIsKept()
    {
        using var freshness = SigningKey.Generate(SigningKeyKind.Freshness);
        using var server = ServerFixture.Start();
        // Made ten days ago for a week: lapsed three days ago, as a server cut off from its reviewers would serve it.
        ServeFreshRoster(server, freshness, roster => TestRoster.Fresh(roster, freshness, madeDaysAgo: 10, days: 7));
        using var source = new SourceMachine();

        var result = Init(source, server);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"nobody has confirmed since {Today.AddDays(-10):yyyy-MM-dd} that this list of reviewers (v2) is still the current one", result.Stderr);
        Assert.Contains($"the last confirmation lapsed on {Today.AddDays(-3):yyyy-MM-dd}", result.Stderr);
        Assert.Contains("report: hint: try again later", result.Stderr);
        Assert.Contains("report init --roster FILE --freshness FILE", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.False(File.Exists(Path.Combine(source.Home, "roster.json")));
    }

    [Fact]
    public void AFreshStatement_IsAccepted_AndKept_SoAReportIsSealedAndDelivered_OnlineAndOffline()
    {
        using var freshness = SigningKey.Generate(SigningKeyKind.Freshness);
        using var server = ServerFixture.Start();
        SignedFreshness? statement = null;
        ServeFreshRoster(server, freshness, roster => statement = TestRoster.Fresh(roster, freshness, madeDaysAgo: 1, days: 7));
        using var source = new SourceMachine();

        var init = Init(source, server);
        var submitted = Submit(source);
        var exported = Submit(source, "--export", source.Files["carried.age"]);

        Assert.True(init.ExitCode == 0, init.ToString());
        Assert.Equal(statement!.FileBytes, File.ReadAllBytes(Path.Combine(source.Home, "roster.fresh")));
        Assert.Contains($"the reviewers confirmed on {Today.AddDays(-1):yyyy-MM-dd} that this list is current; without a newer confirmation it is not used from {Today.AddDays(6):yyyy-MM-dd}", init.Stderr);
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        Assert.NotNull(SourceMachine.IdOf(submitted));
        Assert.True(exported.ExitCode == 0, exported.ToString());
    }

    [Fact]
    public void OnceTheKeptStatementLapses_AndTheServerServesNoNewerOne_NothingIsSealed_ButWhatWasSealedBeforeIsSent()
    {
        using var freshness = SigningKey.Generate(SigningKeyKind.Freshness);
        using var server = ServerFixture.Start();
        var roster = ServeFreshRoster(server, freshness, r => TestRoster.Fresh(r, freshness, days: 7));
        using var source = new SourceMachine();
        Assert.True(Init(source, server).ExitCode == 0);
        // Sealed while the statement was current, then left queued: the server was out of reach this time.
        var queued = Submit(source, "--proxy", $"http://127.0.0.1:{ServerProcess.FreePort()}", "--attempts", "1");
        Assert.True(queued.ExitCode == 75, queued.ToString());

        // Two weeks on, as far as the statements go: the server (frozen) still has only an old one, and so has the source.
        var old = TestRoster.Fresh(roster, freshness, madeDaysAgo: 15, days: 14).FileBytes;
        File.WriteAllBytes(server.FreshnessFile, old);
        server.Restart();
        File.WriteAllBytes(Path.Combine(source.Home, "roster.fresh"), old);
        var online = Submit(source);
        var offline = Submit(source, "--export", source.Files["carried.age"]);

        Assert.True(online.ExitCode == 1, online.ToString());
        Assert.Contains($"lapsed on {Today.AddDays(-1):yyyy-MM-dd}", online.Stderr);
        Assert.True(offline.ExitCode == 1, offline.ToString());
        Assert.Contains("nobody has confirmed since", offline.Stderr);
        Assert.False(File.Exists(source.Files["carried.age"]));
        // Nothing is sealed by send: the report sealed before goes, its receipt checked by the roster kept.
        var sent = source.Report("send", "--pause", "0");
        Assert.True(sent.ExitCode == 0, sent.ToString());
        Assert.NotNull(SourceMachine.IdOf(sent));
        Assert.Contains("nobody has confirmed since", sent.Stderr);
    }

    [Fact]
    public void AnOlderStatementServed_DoesNotReplaceTheNewerOneKept()
    {
        using var freshness = SigningKey.Generate(SigningKeyKind.Freshness);
        using var server = ServerFixture.Start();
        SignedFreshness? newer = null;
        var roster = ServeFreshRoster(server, freshness, r => newer = TestRoster.Fresh(r, freshness, days: 7));
        using var source = new SourceMachine();
        Assert.True(Init(source, server).ExitCode == 0);

        // A replay of last week's statement, still current for two more days: the source keeps the newer one.
        File.WriteAllBytes(server.FreshnessFile, TestRoster.Fresh(roster, freshness, madeDaysAgo: 5, days: 7).FileBytes);
        server.Restart();
        var submitted = Submit(source);

        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        Assert.Equal(newer!.FileBytes, File.ReadAllBytes(Path.Combine(source.Home, "roster.fresh")));
    }

    [Fact]
    public void AStatementForAnotherRostersBytes_IsRefused()
    {
        using var freshness = SigningKey.Generate(SigningKeyKind.Freshness);
        using var server = ServerFixture.Start();
        var roster = TestRoster.Sign(server.Organisation, server.Reviewers, 2, freshness: freshness);
        // The same version signed again (say, with a removed reviewer still in): its statement must not vouch for this one.
        var other = TestRoster.Sign(server.Organisation, server.Reviewers, 2, validDays: 60, freshness: freshness);
        using var source = new SourceMachine();
        var rosterFile = source.Files.Write("roster.json", Encoding.UTF8.GetString(roster.FileBytes));
        var statementFile = source.Files.Write("roster.fresh", Encoding.UTF8.GetString(TestRoster.Fresh(other, freshness).FileBytes));

        var result = Init(source, server, "--roster", rosterFile, "--freshness", statementFile);
        var without = Init(source, server, "--roster", rosterFile);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("the confirmation that the list of reviewers is current speaks of another list", result.Stderr);
        Assert.True(without.ExitCode == 1, without.ToString());
        Assert.Contains("must come with a confirmation that it is current, and none came", without.Stderr);
        Assert.False(File.Exists(Path.Combine(source.Home, "roster.json")));
    }

    [Fact]
    public void AnInvitesMinimumRosterVersion_RefusesAnOlderRosterServed_AndAcceptsOneAtTheMinimum()
    {
        using var server = ServerFixture.Start(rosterVersion: 2);
        string Invite(int minimum)
        {
            var made = Tool.Review("org", "invite", "--org-key", server.OrganisationKey, "--server", server.Url.ToString(), "--min-roster-version", minimum.ToString());
            Assert.True(made.ExitCode == 0, made.ToString());
            return made.Stdout.Trim();
        }
        using var replayed = new SourceMachine();
        using var current = new SourceMachine();

        var refused = replayed.Report("init", "--invite", Invite(3), "--language", "en");
        var accepted = current.Report("init", "--invite", Invite(2), "--language", "en");

        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("the server gives the list of reviewers version 2, but your invite asks for version 3 or newer", refused.Stderr);
        Assert.False(File.Exists(Path.Combine(replayed.Home, "roster.json")));
        Assert.True(accepted.ExitCode == 0, accepted.ToString());
    }

    [Fact]
    public void TheReviewTools_MakeTheKey_ListItInTheRoster_AndStateFreshness_WhichTheServerServesAndReportAccepts()
    {
        using var dir = new TempFolder();
        var pass = dir.Write("pass", "correct horse battery staple glacier\n");
        string[] WithPass(params string[] args) => [.. args, "--passphrase-file", pass];
        Assert.Equal(0, Tool.Review(WithPass("org", "init", "--out", dir["org.key"])).ExitCode);
        Assert.Equal(0, Tool.Review(WithPass("keygen", "--name", "alice", "--out", dir["keys"])).ExitCode);
        var freshKey = Tool.Review(WithPass("org", "fresh-key", "--out", dir["fresh.key"]));
        Assert.True(freshKey.ExitCode == 0, freshKey.ToString());
        var signed = Tool.Review(WithPass("org", "sign", "--org-key", dir["org.key"], "--entry", dir["keys/alice.entry.json"], "--version", "1",
            "--freshness-key", freshKey.Stdout.Trim(), "--freshness-days", "10", "--out", dir["roster.json"]));
        Assert.True(signed.ExitCode == 0, signed.ToString());
        // Disposed by the server fixture, which takes it.
        var organisation = KeyFile.ReadSigningKey(dir["org.key"], "correct horse battery staple glacier"u8.ToArray(), SigningKeyKind.Organisation);
        string[] Fresh(string days, string output) =>
            WithPass("org", "fresh", "--key", dir["fresh.key"], "--org-key", organisation.PublicKey.ToString(), "--roster", dir["roster.json"], "--days", days, "--out", output);

        var tooLong = Tool.Review(Fresh("11", dir["too-long.fresh"]));
        var stated = Tool.Review(Fresh("7", dir["roster.fresh"]));

        Assert.Equal(1, tooLong.ExitCode);
        Assert.Contains("--days must be between 1 and 10", tooLong.Stderr);
        Assert.True(stated.ExitCode == 0, stated.ToString());
        Assert.Contains($"clients refuse it from {Today.AddDays(7):yyyy-MM-dd} unless renewed", stated.Stderr);
        var roster = SignedRoster.Verify(File.ReadAllBytes(dir["roster.json"]), organisation.PublicKey, Today);
        Assert.Equal(10, roster.Roster.FreshnessDays);
        using var server = ServerFixture.Start(organisation, roster);
        File.Copy(dir["roster.fresh"], server.FreshnessFile);
        server.Restart();
        using var source = new SourceMachine();
        var init = Init(source, server);
        Assert.True(init.ExitCode == 0, init.ToString());
        Assert.Equal(File.ReadAllBytes(dir["roster.fresh"]), File.ReadAllBytes(Path.Combine(source.Home, "roster.fresh")));
    }
}
