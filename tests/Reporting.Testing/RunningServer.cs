using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Reporting.Server;

namespace Reporting.Testing;

/// <summary>The real server in this process on a loopback port (Kestrel, real SQLite file in the world's data
/// folder, the world's manual clock, every log line captured), and the client that talks to it.</summary>
public sealed class RunningServer : ServerClient, IAsyncDisposable
{
    RunningServer(WebApplication app, CapturedLogs logs, TestWorld world) : base(new Uri(app.Urls.First()), world)
    {
        App = app;
        Logs = logs;
    }

    public WebApplication App { get; }
    public CapturedLogs Logs { get; }

    public static async Task<RunningServer> StartAsync(TestWorld world, Action<Dictionary<string, string?>>? adjust = null)
    {
        var settings = world.Settings();
        adjust?.Invoke(settings);
        var logs = new CapturedLogs();
        var app = ServerApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Services.AddSingleton<TimeProvider>(world.Clock);
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
        });
        await ServerApp.PrepareAsync(app);
        await app.StartAsync();
        return new RunningServer(app, logs, world);
    }

    /// <summary>Waits up to ten seconds for <paramref name="text"/> to appear in the log (a background job's line), then
    /// asserts that it did.</summary>
    public async Task WaitForLogAsync(string text)
    {
        for (var i = 0; i < 100 && !Logs.All.Contains(text, StringComparison.Ordinal); i++)
            await Task.Delay(100);
        Xunit.Assert.Contains(text, Logs.All, StringComparison.Ordinal);
    }

    /// <summary>Stops the server and closes the client.</summary>
    public async ValueTask DisposeAsync()
    {
        base.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }

    /// <summary>The same as <see cref="DisposeAsync"/>: the client alone is never all there is to close.</summary>
    public override void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
