namespace Reporting.Server.Tests.Http;

/// <summary>The built server as a process of its own (<see cref="Reporting.Benchmarks.ServerProcess"/>), on
/// the world's settings plus any overrides, with a test client for it.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    readonly Reporting.Benchmarks.ServerProcess _process;

    ServerProcess(Reporting.Benchmarks.ServerProcess process, TestWorld world)
    {
        _process = process;
        Client = RunningServer.NewClient(process.Address);
        // Only the client half of RunningServer: the server is the child process.
        Api = new RunningServer { App = null!, Address = process.Address, Client = Client, Logs = new CapturedLogs(), World = world };
    }

    public Uri Address => _process.Address;
    public HttpClient Client { get; }
    public int ProcessId => _process.Id;

    /// <summary>Every line the process wrote to standard output and error: what an operator's log holds.</summary>
    public string Output => _process.Output;

    /// <summary>The test client's calls (challenges, submissions, signed reviewer requests) against this process.</summary>
    public RunningServer Api { get; }

    public static async Task<ServerProcess> StartAsync(TestWorld world, IReadOnlyDictionary<string, string?>? overrides = null, int? port = null)
    {
        var settings = world.Settings();
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            settings[key] = value;
        return new ServerProcess(await Reporting.Benchmarks.ServerProcess.StartAsync(settings, port: port), world);
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill() => _process.Kill();

    /// <summary>SIGTERM, as a service manager stops it; returns the exit code.</summary>
    public Task<int> StopAsync(TimeSpan grace) => _process.StopAsync(grace);

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Client.Dispose();
    }

    public static int FreePort() => Reporting.Benchmarks.ServerProcess.FreePort();
}
