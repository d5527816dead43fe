using System.Net;
using Reporting.Format.Keys;
using Reporting.Format.Protocol;
using Reporting.Format.Rosters;

namespace Reporting.Server.Tests.Http;

/// <summary>The reviewers' freshness statement (docs/DESIGN.md D3) on the server: served beside the roster once it
/// verifies against the roster in force, taken again without a restart when renewed, refused when it speaks of
/// other bytes, and announced in the log well before it lapses and again once it has.</summary>
public sealed class RosterFreshnessTests : IDisposable
{
    readonly TestWorld _world = new();
    readonly SigningKey _freshness = SigningKey.Generate(SigningKeyKind.Freshness);

    public void Dispose()
    {
        _freshness.Dispose();
        _world.Dispose();
    }

    string FreshnessFile => _world.Folder["roster.fresh"];

    /// <summary>Version 1 of the world's roster again, now listing the freshness key, issued today by the world's clock.</summary>
    SignedRoster SignRoster(int validDays = 90)
    {
        var roster = TestRoster.Sign(_world.Organisation, _world.Reviewers, 1, issuedDaysAgo: 0, validDays: validDays, clock: _world.Clock, freshness: _freshness);
        File.WriteAllBytes(_world.RosterFile, roster.FileBytes);
        return roster;
    }

    SignedFreshness State(SignedRoster roster, int days)
    {
        var statement = TestRoster.Fresh(roster, _freshness, days: days, clock: _world.Clock);
        File.WriteAllBytes(FreshnessFile, statement.FileBytes);
        return statement;
    }

    Task<RunningServer> StartAsync() => RunningServer.StartAsync(_world, settings => settings["Reporting:RosterCheckSeconds"] = "1");

    [Fact]
    public async Task Statement_IsServedBesideTheRoster_AndARenewedOneTakesOver_WithoutARestart()
    {
        var roster = SignRoster();
        var first = State(roster, days: 7);
        await using var server = await StartAsync();

        Assert.Equal(first.FileBytes, await server.Client.GetByteArrayAsync(Routes.RosterFreshness));

        _world.Clock.Advance(TimeSpan.FromDays(1));
        var renewed = State(roster, days: 7);
        await server.WaitForLogAsync("is now served");

        Assert.Equal(renewed.FileBytes, await server.Client.GetByteArrayAsync(Routes.RosterFreshness));
    }

    [Fact]
    public async Task Statement_LapsingSoon_IsWarnedOfWellBefore_AndOnceLapsed_IsAnError()
    {
        var roster = SignRoster();
        var statement = State(roster, days: 7);
        var lapses = WireDay.Of(statement.LapsesOn(roster.Roster));
        await using var server = await StartAsync();
        Assert.DoesNotContain(server.Logs.Lines, line => !line.StartsWith("Information", StringComparison.Ordinal) && line.Contains("freshness statement"));

        // Four days on, three are left: past half its life, so renewals have failed three days running.
        _world.Clock.Advance(TimeSpan.FromDays(4));
        await server.WaitForLogAsync($"lapses on {lapses}, in 3 days");
        var warning = Assert.Single(server.Logs.Lines, line => !line.StartsWith("Information", StringComparison.Ordinal) && line.Contains("lapses on"));
        Assert.StartsWith("Warning", warning);
        Assert.Contains("review org fresh", warning);
        Assert.Contains(FreshnessFile, warning);

        _world.Clock.Advance(TimeSpan.FromDays(3));
        await server.WaitForLogAsync($"lapsed on {lapses}");
        var error = Assert.Single(server.Logs.Lines, line => !line.StartsWith("Information", StringComparison.Ordinal) && line.Contains("lapsed on"));
        Assert.StartsWith("Error", error);
        Assert.Contains("clients refuse to seal to it", error);
        // The server itself goes on: the roster is valid, and a client says why it refuses the statement.
        Assert.Equal(roster.FileBytes, await server.Client.GetByteArrayAsync(Routes.Roster));
        Assert.Equal(statement.FileBytes, await server.Client.GetByteArrayAsync(Routes.RosterFreshness));
    }

    [Fact]
    public async Task Statement_ForAnotherRostersBytes_IsRefused_WithAWarning_AndNotServed()
    {
        var other = TestRoster.Sign(_world.Organisation, _world.Reviewers, 1, issuedDaysAgo: 0, validDays: 60, clock: _world.Clock, freshness: _freshness);
        State(other, days: 7);
        SignRoster();

        await using var server = await StartAsync();
        using var served = await server.Client.GetAsync(Routes.RosterFreshness);

        Assert.Equal(HttpStatusCode.NotFound, served.StatusCode);
        Assert.Contains(server.Logs.Lines, line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("was refused (FreshnessMismatch"));
        Assert.Contains(server.Logs.Lines, line => line.StartsWith("Error", StringComparison.Ordinal)
            && line.Contains("asks for a freshness statement and none that verifies is in") && line.Contains("review org fresh"));
    }

    [Fact]
    public async Task Roster_ListingNoFreshnessKey_ServesNoStatement_AndTheLogSaysNothingOfOne()
    {
        State(SignRoster(), days: 7);
        File.WriteAllBytes(_world.RosterFile, TestRoster.Sign(_world.Organisation, _world.Reviewers, 1, issuedDaysAgo: 0, clock: _world.Clock).FileBytes);

        await using var server = await StartAsync();
        using var served = await server.Client.GetAsync(Routes.RosterFreshness);

        Assert.Equal(HttpStatusCode.NotFound, served.StatusCode);
        Assert.DoesNotContain("freshness", server.Logs.All, StringComparison.OrdinalIgnoreCase);
    }
}
