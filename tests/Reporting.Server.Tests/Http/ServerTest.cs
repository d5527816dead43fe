using Reporting.Format.Age;

namespace Reporting.Server.Tests.Http;

/// <summary>A test class with its own world (keys, roster, data folder) and a running server on it.</summary>
public abstract class ServerTest(KeyKind kind = KeyKind.X25519, int reviewers = 2) : IAsyncLifetime
{
    protected TestWorld World { get; } = new(reviewers, kind);
    protected RunningServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RunningServer.StartAsync(World, Configure);

    /// <summary>Settings of this class's server beyond the world's own.</summary>
    protected virtual void Configure(Dictionary<string, string?> settings) { }

    public virtual async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        World.Dispose();
    }

    /// <summary>Stops the server and starts a new one on the same data folder (and the roster file as it is
    /// now), with this class's settings and any <paramref name="adjust"/> makes.</summary>
    protected async Task RestartAsync(Action<Dictionary<string, string?>>? adjust = null)
    {
        await Server.DisposeAsync();
        Server = await RunningServer.StartAsync(World, settings =>
        {
            Configure(settings);
            adjust?.Invoke(settings);
        });
    }
}
