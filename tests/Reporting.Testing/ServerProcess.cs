using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Reporting.Format.Protocol;

namespace Reporting.Testing;

/// <summary>The built server (Reporting.Server.dll, beside the program or test that uses this) as a process
/// of its own on a loopback port, configured through the environment as an operator would: so it can be
/// killed for real, several can run on one database, and what is measured of it (memory, handles, threads)
/// is the server's alone. Its console output is kept (<see cref="Output"/>) and also goes to a log file when
/// given one, so what it logged can be searched afterwards. The one way every test and benchmark runs the server
/// as a process; a <see cref="ServerClient"/> talks to it.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly StreamWriter? _log;
    readonly ConcurrentQueue<string> _output;
    bool _disposed;

    ServerProcess(Process process, Uri address, StreamWriter? log, ConcurrentQueue<string> output)
    {
        _process = process;
        Address = address;
        _log = log;
        _output = output;
    }

    public Uri Address { get; }
    public int Id => _process.Id;

    /// <summary>Every line the process wrote to standard output and error: what an operator's log holds.</summary>
    public string Output => string.Join('\n', _output);

    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, string? logFile = null, int? port = null)
    {
        var address = new Uri($"http://127.0.0.1:{port ?? FreePort()}");
        var start = StartInfo(["--urls", address.ToString().TrimEnd('/')], settings);
        var log = logFile is null ? null : new StreamWriter(logFile) { AutoFlush = true };
        var output = new ConcurrentQueue<string>();
        var process = Process.Start(start)!;
        DataReceivedEventHandler write = (_, line) =>
        {
            if (line.Data is null)
                return;
            output.Enqueue(line.Data);
            if (log is not null)
                lock (log)
                    log.WriteLine(line.Data);
        };
        process.OutputDataReceived += write;
        process.ErrorDataReceived += write;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, address, log, output);
        // A minute: on a busy machine (many tests start servers at once on two cores) a start takes long.
        using var probe = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(60);)
        {
            // WaitForExit also waits for the last lines of output, so the message holds what the server said.
            if (process.HasExited && process.WaitForExit(5000))
                throw new InvalidOperationException($"the server exited with {process.ExitCode} before it was healthy:\n{server.Output}");
            try
            {
                using var response = await probe.GetAsync(Routes.Health);
                if (response.IsSuccessStatusCode)
                    return server;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            await Task.Delay(100);
        }
        await server.DisposeAsync();
        throw new TimeoutException($"the server did not become healthy:\n{server.Output}");
    }

    /// <summary>What a run to exit printed: <see cref="RunToExit"/>.</summary>
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs the server as an operator runs it, until it exits (a start that fails, <c>--version</c>,
    /// <c>backup</c>, <c>restore</c>); settings come through the environment.</summary>
    /// <param name="unprivileged">When the tests run as root, the command runs as root without the
    /// privileges an operator's service user lacks (binding ports below 1024, reading any file), so their
    /// absence can be tested.</param>
    public static Result RunToExit(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? settings = null, bool unprivileged = false)
    {
        var start = StartInfo(arguments, settings ?? new Dictionary<string, string?>());
        if (unprivileged && Environment.UserName == "root")
        {
            string[] dropped = ["--bounding-set", "-net_bind_service,-dac_override,-dac_read_search", start.FileName];
            foreach (var (argument, i) in dropped.Select((a, i) => (a, i)))
                start.ArgumentList.Insert(i, argument);
            start.FileName = "setpriv";
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(120_000))
            process.Kill(entireProcessTree: true);
        process.WaitForExit();
        return new Result(process.ExitCode, stdout.Result, stderr);
    }

    /// <summary>The built dll beside the running program, with <paramref name="settings"/> in the environment.</summary>
    static ProcessStartInfo StartInfo(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> settings)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Reporting.Server.dll"));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (key, value) in settings)
            start.Environment[key.Replace(":", "__")] = value;
        return start;
    }

    /// <summary>SIGTERM, as an operator's service manager stops it, then waits for it to exit (and kills
    /// it after <paramref name="grace"/>). Returns its exit code.</summary>
    public async Task<int> StopAsync(TimeSpan grace)
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
                await term.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(grace);
            try { await _process.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException) { Kill(); }
        }
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        if (_process.HasExited)
            return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>Kills the server (if it still runs) and closes its log; a second call does nothing.</summary>
    public ValueTask DisposeAsync()
    {
        if (_disposed)
            return ValueTask.CompletedTask;
        _disposed = true;
        Kill();
        _process.Dispose();
        if (_log is not null)
            lock (_log)
                _log.Dispose();
        return ValueTask.CompletedTask;
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
