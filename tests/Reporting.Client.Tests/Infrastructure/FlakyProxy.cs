using System.Net;
using System.Net.Sockets;

namespace Reporting.Client.Tests.Infrastructure;

/// <summary>A TCP relay on loopback that misbehaves like a censored, dropping line: on some connections
/// it closes, resets (RST) or stalls at a random byte, in either direction, including after the whole
/// request reached the server but before the answer got back (the case idempotency exists for).
/// Seeded, and bounded: after <c>maxFaults</c> faults it relays faithfully, so every test ends.</summary>
public sealed class FlakyProxy : IDisposable
{
    /// <summary>Close: the line is cut at that byte (what was sent is truncated). Reset: an RST. Stall: the
    /// bytes stop and the connection hangs, then closes (a drop). Delay: from that byte on, every chunk
    /// waits before it is passed on (a slow, congested line; the connection itself survives).</summary>
    public enum Fault { Close, Reset, Stall, Delay }

    /// <summary>The faults of the first tests, in the order their seeds expect.</summary>
    public static readonly Fault[] Cuts = [Fault.Close, Fault.Reset, Fault.Stall];
    public static readonly Fault[] All = [Fault.Close, Fault.Reset, Fault.Stall, Fault.Delay];

    readonly TcpListener listener;
    readonly Uri upstream;
    readonly Random random;
    readonly double faultRate;
    readonly int maxFaults;
    readonly TimeSpan stall;
    readonly Fault[] kinds;
    readonly int requestBytes;
    readonly bool cover;
    readonly TimeSpan delay = TimeSpan.FromMilliseconds(150);
    readonly CancellationTokenSource stop = new();
    readonly Lock gate = new();
    readonly List<Fault> faults = [];
    readonly List<(Fault Kind, bool TowardServer, int Request, long At)> inflicted = [];
    int connections;

    /// <param name="upstream">Where to relay (the real server).</param>
    /// <param name="faultRate">The share of connections that get a fault.</param>
    /// <param name="stall">How long a stalled connection hangs before it is closed (longer than the client's timeout).</param>
    /// <param name="listenPort">0 for any free port.</param>
    /// <param name="kinds">The faults to choose from (<see cref="Cuts"/> unless told).</param>
    /// <param name="requestBytes">A fault toward the server strikes within this many bytes of the connection: make it
    /// larger than the envelopes to strike in the middle of uploads.</param>
    /// <param name="cover">Until each has happened, the faults planned are the ones a test of the whole line must see:
    /// every kind, an upload cut past its first 4 KiB, and an answer to a second request (an upload's) cut. A plan can
    /// miss (a connection that carries one short request), so chance alone might not bring them all.</param>
    public FlakyProxy(Uri upstream, int seed, double faultRate = 0.5, int maxFaults = 12, TimeSpan? stall = null, int listenPort = 0,
        Fault[]? kinds = null, int requestBytes = 3000, bool cover = false)
    {
        this.cover = cover;
        this.kinds = kinds ?? Cuts;
        this.requestBytes = requestBytes;
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
    /// <summary>While false, every new connection is relayed faithfully (e.g. while the test sets itself up).</summary>
    public bool Faulty { get => Volatile.Read(ref faulty); set => Volatile.Write(ref faulty, value); }
    bool faulty = true;
    /// <summary>The faults planned for connections (some connections end before theirs is reached).</summary>
    public IReadOnlyList<Fault> Faults { get { lock (gate) return [.. faults]; } }
    /// <summary>The faults that really happened: in which direction, on which request of the connection, and
    /// after how many bytes (of the connection toward the server, of the answer toward the client).</summary>
    public IReadOnlyList<(Fault Kind, bool TowardServer, int Request, long At)> Inflicted { get { lock (gate) return [.. inflicted]; } }

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
    (Fault Kind, bool Upstream, int AfterBytes, int OnAnswer)? Plan()
    {
        lock (gate)
        {
            if (!Faulty || faults.Count >= maxFaults || random.NextDouble() >= faultRate)
                return null;
            var kind = kinds[random.Next(kinds.Length)];
            // Toward the server: anywhere in the first few KiB of requests. Toward the client: anywhere in the
            // answer to the latest request (answers here are a few hundred bytes), so that some requests
            // reach the server whole and only their answer is lost.
            // The answer to cut is the first or second on the connection (a challenge, then an upload).
            var towardServer = random.Next(2) == 0;
            var plan = (Kind: kind, Upstream: towardServer, AfterBytes: random.Next(0, towardServer ? requestBytes : 300), OnAnswer: random.Next(1, 3));
            if (cover)
                plan = Covering(plan);
            faults.Add(plan.Kind); // the kind planned, after covering, so that Faults says what was planned
            return plan;
        }
    }

    /// <summary>The plan changed to one of the faults not seen yet (<c>cover</c>); under the lock.</summary>
    (Fault Kind, bool Upstream, int AfterBytes, int OnAnswer) Covering((Fault Kind, bool Upstream, int AfterBytes, int OnAnswer) plan)
    {
        if (kinds.FirstOrDefault(k => !inflicted.Any(f => f.Kind == k), plan.Kind) is var unseen && unseen != plan.Kind)
            return plan with { Kind = unseen };
        if (plan.Kind == Fault.Delay)
            return plan;
        if (!inflicted.Any(f => !f.TowardServer && f.Request == 2 && f.Kind != Fault.Delay))
            return plan with { Upstream = false, AfterBytes = random.Next(0, 300), OnAnswer = 2 };
        if (requestBytes > 4097 && !inflicted.Any(f => f.TowardServer && f.Kind != Fault.Delay && f.At > 4096))
            return plan with { Upstream = true, AfterBytes = random.Next(4097, requestBytes) };
        return plan;
    }

    async Task Relay(TcpClient client, (Fault Kind, bool Upstream, int AfterBytes, int OnAnswer)? plan)
    {
        using var _ = client;
        using var server = new TcpClient();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        try
        {
            await server.ConnectAsync(upstream.Host, upstream.Port, linked.Token);
            var answer = new AnswerCounter();
            var up = Pump(client, server, plan is { Upstream: true } p1 ? p1 : null, linked, answer, towardServer: true);
            var down = Pump(server, client, plan is { Upstream: false } p2 ? p2 : null, linked, answer, towardServer: false);
            await Task.WhenAny(up, down);
            await linked.CancelAsync();
            await Task.WhenAll(up, down).ContinueWith(_ => { });
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
        }
    }

    /// <summary>Which request the connection is at, and how much of its answer has passed.</summary>
    sealed class AnswerCounter
    {
        public long Bytes;
        public int Requests;
        public bool Answering;
    }

    async Task Pump(TcpClient from, TcpClient to, (Fault Kind, bool Upstream, int AfterBytes, int OnAnswer)? plan, CancellationTokenSource linked, AnswerCounter answer, bool towardServer)
    {
        var buffer = new byte[4096];
        long sent = 0;
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
                long passed;
                bool armed;
                lock (answer)
                {
                    if (towardServer && (answer.Answering || answer.Requests == 0))
                    {
                        // The client speaks after an answer: a new request begins.
                        answer.Requests++;
                        answer.Bytes = 0;
                        answer.Answering = false;
                    }
                    if (!towardServer)
                        answer.Answering = true;
                    passed = towardServer ? sent : answer.Bytes;
                    armed = plan is { } planned && (towardServer || answer.Requests == planned.OnAnswer);
                }
                if (armed && plan is { Kind: Fault.Delay } slow && passed + read > slow.AfterBytes)
                {
                    if (passed <= slow.AfterBytes)
                        lock (gate)
                            inflicted.Add((Fault.Delay, towardServer, answer.Requests, slow.AfterBytes));
                    await Task.Delay(delay, linked.Token);
                    armed = false;
                }
                var allowed = read;
                if (armed && plan is { } p && passed + read > p.AfterBytes)
                    allowed = (int)Math.Max(0, p.AfterBytes - passed);
                if (allowed > 0)
                    await sink.WriteAsync(buffer.AsMemory(0, allowed), linked.Token);
                sent += allowed;
                if (!towardServer)
                    lock (answer)
                        answer.Bytes += allowed;
                if (armed && allowed < read && plan is { } fault)
                {
                    lock (gate)
                        inflicted.Add((fault.Kind, towardServer, answer.Requests, fault.AfterBytes));
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
