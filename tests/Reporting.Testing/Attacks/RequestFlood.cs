namespace Reporting.Testing.Attacks;

/// <summary>A flood of small requests, as fast as they are answered, over keep-alive connections from one process;
/// each answer counted by its status.</summary>
public abstract class RequestFlood(Uri server, int connections) : Attack(server)
{
    public override string Strength => $"{connections} connections, as fast as answered";

    /// <summary>The next request of the flood.</summary>
    protected abstract HttpRequestMessage NextRequest();

    protected override async Task RunAsync(CancellationToken stop)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = connections }) { BaseAddress = Server };
        await Repeat(connections, stop, async (_, token) =>
        {
            using var request = NextRequest();
            using var response = await http.SendAsync(request, token);
            Record(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
    }
}
