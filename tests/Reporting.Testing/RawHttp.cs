using System.Net.Sockets;
using System.Text;

namespace Reporting.Testing;

/// <summary>HTTP below HttpClient: bytes on a socket, for the requests no honest client sends.</summary>
public static class RawHttp
{
    /// <summary>Everything the server sends until it closes the connection (or for 10 s), as ASCII.</summary>
    public static async Task<string> ReadAllAsync(Socket socket)
    {
        var received = new MemoryStream();
        var buffer = new byte[8192];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
                received.Write(buffer, 0, read);
        }
        catch (SocketException) { }
        catch (OperationCanceledException) { }
        return Encoding.ASCII.GetString(received.ToArray());
    }
}
