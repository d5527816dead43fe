using System.Net.Sockets;
using System.Text;

namespace Reporting.Testing.Attacks;

/// <summary>A connection written by hand, as an attacker writes it: a head, then a trickle of body bytes at a chosen
/// rate, for as long as the server keeps it open and does not answer.</summary>
static class RawConnection
{
    /// <summary>Sends <paramref name="head"/> (request line and headers, without the blank line when
    /// <paramref name="finishHead"/> is false), then <paramref name="bytesPerSecond"/> of body in five sends a second,
    /// until the server answers or closes, or <paramref name="stop"/>. Returns the answer's status code ("closed" when
    /// none came, "stopped" when stopped first).</summary>
    public static async Task<string> HoldAsync(Uri server, string head, int bytesPerSecond, CancellationToken stop, bool finishHead = true)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server.Host, server.Port, stop);
        await socket.SendAsync(Encoding.ASCII.GetBytes(finishHead ? head + "\r\n\r\n" : head), stop);
        var answer = ReadStatusAsync(socket, stop);
        var trickle = new byte[Math.Max(1, bytesPerSecond / 5)];
        Array.Fill(trickle, (byte)'a');
        while (!answer.IsCompleted && !stop.IsCancellationRequested)
        {
            await Task.WhenAny(answer, Task.Delay(200, stop).ContinueWith(_ => { }, TaskScheduler.Default));
            if (answer.IsCompleted || stop.IsCancellationRequested || bytesPerSecond == 0)
                continue;
            try
            {
                await socket.SendAsync(trickle, SocketFlags.None, stop);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                break;
            }
        }
        var status = await answer;
        return stop.IsCancellationRequested ? "stopped" : status;
    }

    static async Task<string> ReadStatusAsync(Socket socket, CancellationToken stop)
    {
        var buffer = new byte[256];
        try
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, stop);
            var line = Encoding.ASCII.GetString(buffer, 0, read);
            return line.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && line.Length >= 12 ? line[9..12] : "closed";
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            return "closed";
        }
    }
}
