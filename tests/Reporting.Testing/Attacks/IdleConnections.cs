namespace Reporting.Testing.Attacks;

/// <summary>Attack 4, the connection cap: connections that never finish their headers, each opened again as soon as
/// the server closes it (the header timeout).</summary>
public sealed class IdleConnections(Uri server, int connections = 1030) : Attack(server)
{
    public override string Name => "connections that never finish their headers";

    public override string Strength => $"{connections} connections held open, each reopened when closed";

    protected override Task RunAsync(CancellationToken stop) => Repeat(connections, stop, async (_, token) =>
    {
        Record("opened");
        Record(await RawConnection.HoldAsync(Server, "POST / HTTP/1.1\r\nHost: x\r\nX-Slow: ", bytesPerSecond: 0, token, finishHead: false));
    });
}
