using System.Net;
using System.Net.Sockets;

namespace Reporting.Client.Tests.Infrastructure;

/// <summary>A TCP relay on loopback that misbehaves like a censored, dropping line: on some connections
/// it closes, resets (RST) or stalls at a random byte, in either direction, including after the whole
/// request reached the server but before the answer got back (the case idempotency exists for).
/// Seeded, and bounded: after <c>maxFaults</c> faults it relays faithfully, so every test ends.</summary>
public sealed class FlakyProxy : IDisposable
{
    public enum Fault { Close, Reset, Stall }

    readonly TcpListener listener;
    readonly Uri upstream;
    readonly Random random;
    readonly double faultRate;
    readonly int maxFaults;
    readonly TimeSpan stall;
    readonly CancellationTokenSource stop = new();
    readonly Lock gate = new();
    readonly List<Fault> faults = [];
    int connections;

    /// <param name="upstream">Where to relay (the real server).</param>
    /// <param name="faultRate">The share of connections that get a fault.</param>
    /// <param name="stall">How long a stalled connection hangs before it is closed (longer than the client's timeout).</param>
    /// <param name="listenPort">0 for any free port.</param>
    public FlakyProxy(Uri upstream, int seed, double faultRate = 0.5, int maxFaults = 12, TimeSpan? stall = null, int listenPort = 0)
    {
        listener = new TcpListener(IPAddress.Loopback, listenPort);
        this.upstream = upstream;
        random = new Random(seed);
        this.faultRate = faultRate;
        this.maxFaults = maxFaults;
        this.stall = stall ?? TimeSpan.FromSeconds(8);
        listener.Start();
        _ = AcceptLoop();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
    public int Connections => Volatile.Read(ref connections);
    public IReadOnlyList<Fault> Faults { get { lock (gate) return [.. faults]; } }

    async Task AcceptLoop()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            Interlocked.Increment(ref connections);
            _ = Relay(client, Plan());
        }
    }

    /// <summary>Whether this connection fails, how, in which direction and after how many bytes.</summary>
    (Fault Kind, bool Upstream, int AfterBytes)? Plan()
    {
        lock (gate)
        {
            if (faults.Count >= maxFaults || random.NextDouble() >= faultRate)
                return null;
            var kind = (Fault)random.Next(3);
            faults.Add(kind);
            // Requests here are a few hundred bytes to a few KiB, answers a few hundred: cut anywhere in them.
            var towardServer = random.Next(2) == 0;
            return (kind, towardServer, random.Next(0, towardServer ? 3000 : 400));
        }
    }

    async Task Relay(TcpClient client, (Fault Kind, bool Upstream, int AfterBytes)? plan)
    {
        using var _ = client;
        using var server = new TcpClient();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        try
        {
            await server.ConnectAsync(upstream.Host, upstream.Port, linked.Token);
            var up = Pump(client, server, plan is { Upstream: true } p1 ? p1 : null, linked);
            var down = Pump(server, client, plan is { Upstream: false } p2 ? p2 : null, linked);
            await Task.WhenAny(up, down);
            await linked.CancelAsync();
            await Task.WhenAll(up, down).ContinueWith(_ => { });
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
        }
    }

    async Task Pump(TcpClient from, TcpClient to, (Fault Kind, bool Upstream, int AfterBytes)? plan, CancellationTokenSource linked)
    {
        var buffer = new byte[4096];
        long passed = 0;
        try
        {
            var source = from.GetStream();
            var sink = to.GetStream();
            while (true)
            {
                var read = await source.ReadAsync(buffer, linked.Token);
                if (read == 0)
                {
                    to.Client.Shutdown(SocketShutdown.Send);
                    return;
                }
                var allowed = read;
                if (plan is { } p && passed + read > p.AfterBytes)
                    allowed = (int)Math.Max(0, p.AfterBytes - passed);
                if (allowed > 0)
                    await sink.WriteAsync(buffer.AsMemory(0, allowed), linked.Token);
                passed += allowed;
                if (allowed < read && plan is { } fault)
                {
                    await Inflict(fault.Kind, from, to, linked.Token);
                    return;
                }
            }
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    async Task Inflict(Fault kind, TcpClient a, TcpClient b, CancellationToken token)
    {
        switch (kind)
        {
            case Fault.Stall:
                await Task.Delay(stall, token);
                break;
            case Fault.Reset:
                a.Client.LingerState = new LingerOption(true, 0);
                b.Client.LingerState = new LingerOption(true, 0);
                break;
        }
        a.Client.Close();
        b.Client.Close();
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        stop.Dispose();
    }
}
