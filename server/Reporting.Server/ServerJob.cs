namespace Reporting.Server;

/// <summary>Work the server does in the background (retention, the roster's watcher and its expiry check),
/// started only once the server listens. A plain <see cref="BackgroundService"/> starts before Kestrel binds
/// its port: when the port is taken, the jobs have already run and are cancelled by the failed start, and
/// the host logs that as a job's crash (fail and crit lines) above the one line that says what is wrong.</summary>
public abstract class ServerJob : BackgroundService, IHostedLifecycleService
{
    public override Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called once every service started, the server's listener among them.</summary>
    public Task StartedAsync(CancellationToken cancellationToken) => base.StartAsync(cancellationToken);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
