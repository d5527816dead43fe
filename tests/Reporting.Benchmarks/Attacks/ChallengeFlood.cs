using Reporting.Format.Protocol;

namespace Reporting.Benchmarks.Attacks;

/// <summary>Attack 3, challenge starvation: challenges requested as fast as they are answered, over keep-alive
/// connections, from one process.</summary>
public sealed class ChallengeFlood(Uri server, int connections = 16) : Attack(server)
{
    public override string Name => "challenge flood";

    public override string Strength => $"{connections} connections, as fast as answered";

    protected override async Task RunAsync(CancellationToken stop)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = connections }) { BaseAddress = Server };
        await Repeat(connections, stop, async (_, token) =>
        {
            using var response = await http.PostAsync(Routes.Challenges, null, token);
            Record(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
    }
}
