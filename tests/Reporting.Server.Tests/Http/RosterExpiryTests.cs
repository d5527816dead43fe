using Microsoft.Extensions.DependencyInjection;
using Reporting.Format.Protocol;
using Reporting.Format.Rosters;
using Reporting.Server.Rosters;

namespace Reporting.Server.Tests.Http;

/// <summary>A roster runs out on its expiry day, and from then on clients refuse it: the server says so in
/// its log two weeks ahead, and again once it has, with the date and the command that renews it.</summary>
public sealed class RosterExpiryTests : IDisposable
{
    readonly TestWorld _world = new();

    public void Dispose() => _world.Dispose();

    /// <summary>Re-signs the world's roster (same version and reviewers) to run from <paramref name="issued"/>
    /// until <paramref name="expires"/>.</summary>
    void SignRoster(DateOnly issued, DateOnly expires)
    {
        var roster = new Roster(_world.RosterVersion, issued, expires, _world.Organisation.PublicKey.ToString(),
            [.. _world.Reviewers.Select(r => new RosterEntry(r.Name, r.Recipient, r.AccessKey.PublicKey.ToString()))]);
        File.WriteAllBytes(_world.RosterFile, SignedRoster.Sign(roster, _world.Organisation).FileBytes);
    }

    [Fact]
    public async Task Start_WithARosterExpiringInFiveDays_WarnsWithTheDateAndTheCommand()
    {
        var expires = _world.Clock.Today.AddDays(5);
        SignRoster(_world.Clock.Today, expires);

        await using var server = await RunningServer.StartAsync(_world);

        var warning = Assert.Single(server.Logs.Lines, line => line.Contains("Roster version"));
        Assert.StartsWith("Warning", warning);
        Assert.Contains($"expires on {WireDay.Of(expires)}, in 5 days", warning);
        Assert.Contains("review org sign", warning);
        Assert.Contains(_world.RosterFile, warning);
    }

    [Fact]
    public async Task RunningServer_WhoseRosterExpires_LogsAnErrorAtTheDailyCheck()
    {
        var expires = _world.Clock.Today.AddDays(20);
        SignRoster(_world.Clock.Today, expires);
        await using var server = await RunningServer.StartAsync(_world);
        Assert.DoesNotContain(server.Logs.Lines, line => line.Contains("Roster version"));

        _world.Clock.Advance(TimeSpan.FromDays(21));
        server.App.Services.GetRequiredService<RosterExpiry>().Check();

        var error = Assert.Single(server.Logs.Lines, line => line.Contains("Roster version"));
        Assert.StartsWith("Error", error);
        Assert.Contains($"expired on {WireDay.Of(expires)}: clients refuse it", error);
        Assert.Contains("review org sign", error);
    }

    [Fact]
    public void Start_WithAnExpiredRoster_SaysWhenItExpired_AndExits1()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        SignRoster(today.AddDays(-100), today.AddDays(-10));

        var result = ServerProcess.RunToExit(["--urls", "http://127.0.0.1:0"], _world.Settings());

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"reporting-server: error: The roster in Reporting:RosterFile '{_world.RosterFile}' cannot be served: the roster expired on {WireDay.Of(today.AddDays(-10))}", result.Stderr);
        Assert.Contains("review org sign", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }
}
