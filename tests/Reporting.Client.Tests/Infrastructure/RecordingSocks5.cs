using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Reporting.Client.Tests.Infrastructure;

/// <summary>A SOCKS5 proxy on loopback (RFC 1928, with RFC 1929 user name and password) that records, for
/// each connection a client opens through it, the credentials it gave and when, then relays: what Tor's
/// SOCKS port sees of a client, and what its IsolateSOCKSAuth decides circuits by.</summary>
public sealed class RecordingSocks5 : IDisposable
{
    public sealed record Connection(DateTime Opened, string? User, string? Password);

    readonly TcpListener listener;
    readonly ConcurrentQueue<Connection> connections = new();
    readonly CancellationTokenSource stop = new();

    RecordingSocks5(TcpListener listener)
    {
        this.listener = listener;
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;
    public Uri Url => new($"socks5://127.0.0.1:{Port}");
    public IReadOnlyList<Connection> Connections => [.. connections.OrderBy(c => c.Opened)];

    public static RecordingSocks5 Start(int port = 0)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        return new RecordingSocks5(listener);
    }

    async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var greeting = await ReadAsync(stream, 2);
                var methods = await ReadAsync(stream, greeting[1]);
                string? user = null, password = null;
                if (methods.Contains((byte)2))
                {
                    await stream.WriteAsync(new byte[] { 5, 2 });
                    var version = await ReadAsync(stream, 2);
                    user = Encoding.UTF8.GetString(await ReadAsync(stream, version[1]));
                    password = Encoding.UTF8.GetString(await ReadAsync(stream, (await ReadAsync(stream, 1))[0]));
                    await stream.WriteAsync(new byte[] { 1, 0 });
                }
                else
                {
                    await stream.WriteAsync(new byte[] { 5, 0 });
                }
                var request = await ReadAsync(stream, 4);
                var host = request[3] switch
                {
                    1 => new IPAddress(await ReadAsync(stream, 4)).ToString(),
                    3 => Encoding.ASCII.GetString(await ReadAsync(stream, (await ReadAsync(stream, 1))[0])),
                    _ => new IPAddress(await ReadAsync(stream, 16)).ToString(),
                };
                var portBytes = await ReadAsync(stream, 2);
                connections.Enqueue(new Connection(DateTime.UtcNow, user, password));
                using var target = new TcpClient();
                await target.ConnectAsync(host, portBytes[0] << 8 | portBytes[1]);
                await stream.WriteAsync(new byte[] { 5, 0, 0, 1, 0, 0, 0, 0, 0, 0 });
                var upstream = target.GetStream();
                await Task.WhenAny(stream.CopyToAsync(upstream, stop.Token), upstream.CopyToAsync(stream, stop.Token));
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or EndOfStreamException)
            {
            }
        }
    }

    static async Task<byte[]> ReadAsync(NetworkStream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer);
        return buffer;
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
    }
}
