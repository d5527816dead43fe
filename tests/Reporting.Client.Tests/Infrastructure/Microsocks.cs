using System.Diagnostics;
using System.Net.Sockets;

namespace Reporting.Client.Tests.Infrastructure;

/// <summary>A real SOCKS5 proxy (Debian's microsocks) on loopback, standing in for Tor's SOCKS port.</summary>
public sealed class Microsocks : IDisposable
{
    readonly Process process;

    Microsocks(Process process) => this.process = process;

    public static Microsocks Start(int port)
    {
        var start = new ProcessStartInfo("microsocks") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-i", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect("127.0.0.1", port);
                return new Microsocks(process);
            }
            catch (SocketException)
            {
                if (process.HasExited)
                    break;
                Thread.Sleep(50);
            }
        }
        process.Kill();
        throw new InvalidOperationException("microsocks did not start");
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit(5000);
        }
        process.Dispose();
    }
}
