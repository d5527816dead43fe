using System.Net;
using Reporting.Format.Protocol;
using Reporting.Format.Rosters;

namespace Reporting.Server.Tests.Http;

/// <summary>The roster in force while the server runs: one version has one content (docs/DESIGN.md D3), and
/// an expired roster stops being served and taking reports, as clients stop using it.</summary>
public sealed class RosterInForceTests : ServerTest
{
    protected override void Configure(Dictionary<string, string?> settings) => settings["Reporting:RosterCheckSeconds"] = "1";

    [Fact]
    public async Task RosterFile_ResignedUnderTheVersionInForce_IsRefused_WithAnError_AndNeverServed()
    {
        var original = await File.ReadAllBytesAsync(World.RosterFile);

        // Version 1 again, without the first reviewer: what an insider would try to keep a removal quiet, or to
        // show some clients one list and others another.
        World.SignRoster(version: 1, [World.Reviewers[1]]);

        await Server.WaitForLogAsync("already serves with other content");
        Assert.Contains(Server.Logs.Lines, line => line.StartsWith("Error ", StringComparison.Ordinal) && line.Contains("version 1", StringComparison.Ordinal));
        Assert.DoesNotContain("now served", Server.Logs.All, StringComparison.Ordinal);
        Assert.Equal(original, await Server.Client.GetByteArrayAsync(Routes.Roster));

    }

    [Fact]
    public async Task Start_WithARosterResignedUnderAVersionServedBefore_IsRefused()
    {
        using var world = new TestWorld();
        await (await RunningServer.StartAsync(world)).DisposeAsync();
        world.SignRoster(version: 1, [world.Reviewers[1]]);

        var refused = await Assert.ThrowsAsync<RosterException>(() => RunningServer.StartAsync(world));

        Assert.Equal(RosterFailure.VersionReused, refused.Failure);
    }

    [Fact]
    public async Task Roster_ExpiringWhileTheServerRuns_IsNotServed_NorAreReportsTaken_AndTheLogSaysSo()
    {
        var envelope = Server.SealForRoster("before expiry"u8.ToArray());
        await Server.SubmitOkAsync(envelope);

        // The test world's roster is valid for 90 days from today: on day 90 clients refuse it.
        World.Clock.Advance(TimeSpan.FromDays(90));

        using var roster = await Server.Client.GetAsync(Routes.Roster);
        using var submitted = await Server.SubmitAsync(Server.SealForRoster("after expiry"u8.ToArray()));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, roster.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, submitted.StatusCode);
        Assert.NotNull(submitted.Headers.RetryAfter);
        await Server.WaitForLogAsync("expired on");
        Assert.Contains(Server.Logs.Lines, line => line.StartsWith("Error ", StringComparison.Ordinal) && line.Contains("no report is accepted", StringComparison.Ordinal));
        // Reviewers still reach what is stored.
        Assert.Single(await Server.ListReportsAsync());
    }
}
