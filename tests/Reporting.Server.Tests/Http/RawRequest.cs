using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Reporting.Server.Tests.Http;

/// <summary>A request written by hand on a socket of its own: a head the client library would not send (a length
/// it will not keep, a body it withholds), then bytes when the test says, and the answer's status line with the
/// time it took to come.</summary>
public sealed class RawRequest : IDisposable
{
    readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    readonly Stopwatch _sinceHead = new();

    RawRequest() { }

    /// <summary>Connects and sends <paramref name="head"/> (request line and headers, without the blank line).</summary>
    public static async Task<RawRequest> SendHeadAsync(Uri server, string head)
    {
        var request = new RawRequest();
        await request._socket.ConnectAsync(server.Host, server.Port);
        await request._socket.SendAsync(Encoding.ASCII.GetBytes(head + "\r\n\r\n"));
        request._sinceHead.Start();
        return request;
    }

    /// <summary>Drops the connection with a reset (RST), as a line that fails or a client that dies mid-upload.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    /// <summary>Sends body bytes; false when the server has closed its side already.</summary>
    public async Task<bool> SendAsync(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            await _socket.SendAsync(bytes);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The first line of the answer (empty when the connection closed without one) and how long after the
    /// head it came, waiting at most <paramref name="patience"/>.</summary>
    public async Task<(string StatusLine, TimeSpan After)> ReadStatusAsync(TimeSpan patience)
    {
        var received = new MemoryStream();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(patience);
        try
        {
            while (!Encoding.ASCII.GetString(received.ToArray()).Contains("\r\n"))
            {
                var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                if (read == 0)
                    break;
                received.Write(buffer, 0, read);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException) { }
        var text = Encoding.ASCII.GetString(received.ToArray());
        return (text.Split("\r\n")[0], _sinceHead.Elapsed);
    }

    public void Dispose() => _socket.Dispose();
}
