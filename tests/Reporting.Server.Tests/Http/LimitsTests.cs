using System.Net;
using Reporting.Format.Protocol;

namespace Reporting.Server.Tests.Http;

/// <summary>The server publishes its largest envelope beside the roster (PROTOCOL.md "Limits"), so that clients
/// refuse a report that cannot pass before sealing it.</summary>
public sealed class LimitsTests : ServerTest
{
    protected override void Configure(Dictionary<string, string?> settings) => settings["Reporting:MaxEnvelopeBytes"] = "1048576";

    [Fact]
    public async Task Roster_CarriesTheLargestEnvelope()
    {
        using var answer = await Server.Client.GetAsync(Routes.Roster);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(["1048576"], answer.Headers.GetValues(LimitHeaders.MaxEnvelopeBytes));
    }
}
