using Reporting.Client.Tests.Infrastructure;
using Xunit;

namespace Reporting.Client.Tests;

/// <summary>Many sources at once behind a line that drops, delays, truncates and resets connections, also in
/// the middle of uploads and after the server has the whole upload but before its answer gets back: every
/// report arrives exactly once, and no report text or codename is left anywhere but in the envelopes.
/// CI runs 8 sources × 3 reports; the long form:
/// <c>REPORTING_FAULT_SOURCES=20 REPORTING_FAULT_REPORTS=10 dotnet test … --filter FaultyNetwork</c>.</summary>
public sealed class FaultyNetworkTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task ManySourcesThroughAFaultyLine_EveryReportArrivesExactlyOnce()
    {
        var sources = LongForm.Setting("REPORTING_FAULT_SOURCES", 8);
        var perSource = LongForm.Setting("REPORTING_FAULT_REPORTS", 3);
        using var server = ServerFixture.Start();
        // Reports of about 25 KB; faults toward the server strike anywhere in a connection's first 30 000 bytes,
        // so mostly in the middle of an upload. A stall outlasts the client's timeout: to the client it is a drop.
        using var proxy = new FlakyProxy(server.Url, seed: 20261203, faultRate: 0.5, maxFaults: sources * perSource * 2,
            stall: TimeSpan.FromSeconds(6), kinds: FlakyProxy.All, requestBytes: 30_000, cover: true) { Faulty = false };
        using var fleet = new Fleet(server, sources, proxy.Url, "--timeout", "2", "--attempts", "6");
        proxy.Faulty = true;

        await fleet.SubmitAsync(perSource, lines: 400);
        var sends = fleet.Drain(rounds: 12);

        fleet.AssertEachStoredOnce();
        fleet.AssertNoSecrets();
        fleet.AssertServerLoggedNoError();
        var inflicted = proxy.Inflicted;
        var kinds = string.Join(", ", inflicted.GroupBy(f => (f.Kind, f.TowardServer)).OrderBy(g => g.Key.Kind)
            .Select(g => $"{g.Key.Kind} {(g.Key.TowardServer ? "request" : "answer")} ×{g.Count()}"));
        output.WriteLine($"{fleet.Summary()}; {sends} sends to drain; {proxy.Connections} connections, {inflicted.Count} faults: {kinds}; every report stored once");
        foreach (var kind in FlakyProxy.All)
            Assert.Contains(inflicted, f => f.Kind == kind);
        // Lines were cut both ways, uploads in their middle (past the first 4 KiB: the challenge and the headers),
        // and answers lost after the server had the whole upload.
        Assert.Contains(inflicted, f => f.TowardServer && f.Kind != FlakyProxy.Fault.Delay && f.At > 4096);
        Assert.Contains(inflicted, f => !f.TowardServer && f.Request == 2 && f.Kind != FlakyProxy.Fault.Delay);
    }
}
