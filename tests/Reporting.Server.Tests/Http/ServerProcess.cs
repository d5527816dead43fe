using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Reporting.Server.Tests.Http;

/// <summary>The built server (Reporting.Server.dll) as a process of its own on a loopback port, so a test
/// can kill it for real or run several on one database. Settings are the world's, plus any overrides,
/// passed through the environment as an operator would.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly ConcurrentQueue<string> _output;

    ServerProcess(Process process, ConcurrentQueue<string> output, Uri address, TestWorld world)
    {
        _process = process;
        _output = output;
        Address = address;
        Client = RunningServer.NewClient(address);
        // Only the client half of RunningServer: the server is the child process.
        Api = new RunningServer { App = null!, Address = address, Client = Client, Logs = new CapturedLogs(), World = world };
    }

    public Uri Address { get; }
    public HttpClient Client { get; }
    public int ProcessId => _process.Id;

    /// <summary>Every line the process wrote to standard output and error: what an operator's log holds.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>The test client's calls (challenges, submissions, signed reviewer requests) against this process.</summary>
    public RunningServer Api { get; }

    public static async Task<ServerProcess> StartAsync(TestWorld world, IReadOnlyDictionary<string, string?>? overrides = null, int? port = null)
    {
        var address = new Uri($"http://127.0.0.1:{port ?? FreePort()}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Reporting.Server.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(address.ToString().TrimEnd('/'));
        var settings = world.Settings();
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            settings[key] = value;
        foreach (var (key, value) in settings)
            start.Environment[key.Replace(":", "__")] = value;
        var process = Process.Start(start)!;
        var output = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, line) => { if (line.Data is { } text) output.Enqueue(text); };
        process.ErrorDataReceived += (_, line) => { if (line.Data is { } text) output.Enqueue(text); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, output, address, world);
        await server.WaitHealthyAsync();
        return server;
    }

    async Task WaitHealthyAsync()
    {
        for (var i = 0; i < 300; i++)
        {
            if (_process.HasExited && _process.WaitForExit(5000))
                throw new InvalidOperationException($"the server exited with {_process.ExitCode} before it was healthy:\n{Output}");
            try
            {
                using var response = await Client.GetAsync("/healthz");
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException("the server did not start");
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        if (_process.HasExited)
            return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        Client.Dispose();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
