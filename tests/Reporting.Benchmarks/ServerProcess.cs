using System.Diagnostics;
using System.Net;

namespace Reporting.Benchmarks;

/// <summary>The built server (Reporting.Server.dll, beside this program) as a process of its own on a
/// loopback port, configured through the environment as an operator would, its console output written to
/// a log file: so what is measured of it (memory, handles, threads) is the server's alone, and what it
/// logs can be searched afterwards.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly StreamWriter _log;

    ServerProcess(Process process, Uri address, StreamWriter log)
    {
        _process = process;
        Address = address;
        _log = log;
    }

    public Uri Address { get; }
    public int Id => _process.Id;

    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, string logFile)
    {
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var address = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "Reporting.Server.dll"), "--urls", $"http://127.0.0.1:{port}" })
            start.ArgumentList.Add(argument);
        foreach (var (key, value) in settings)
            start.Environment[key.Replace(":", "__")] = value;
        var log = new StreamWriter(logFile) { AutoFlush = true };
        var process = Process.Start(start)!;
        DataReceivedEventHandler write = (_, line) => { if (line.Data is not null) lock (log) log.WriteLine(line.Data); };
        process.OutputDataReceived += write;
        process.ErrorDataReceived += write;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, address, log);
        using var probe = new HttpClient { BaseAddress = address };
        for (var i = 0; i < 300; i++)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"the server exited with {process.ExitCode} before it was healthy (see {logFile})");
            try
            {
                using var response = await probe.GetAsync("/healthz");
                if (response.IsSuccessStatusCode)
                    return server;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        await server.DisposeAsync();
        throw new TimeoutException("the server did not start");
    }

    /// <summary>SIGTERM, as an operator's service manager stops it, then waits for it to exit (and kills
    /// it after <paramref name="grace"/>). Returns its exit code.</summary>
    public async Task<int> StopAsync(TimeSpan grace)
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
                await kill.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(grace);
            try { await _process.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); }
        }
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
        lock (_log)
            _log.Dispose();
    }
}
