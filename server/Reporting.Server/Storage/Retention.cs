namespace Reporting.Server.Storage;

/// <summary>D13: expired reports and replies are deleted in the background, at start-up and then hourly,
/// along with one-time values that can no longer be presented.</summary>
public sealed class Retention(IReportStore store, TimeProvider clock, ILogger<Retention> log) : ServerJob
{
    static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError("Retention failed ({Kind}); it will be tried again in an hour.", e.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        // Several instances on one database: one deletes at a time (the next finds nothing left to do).
        await using var _ = await store.LockAsync("retention", cancellationToken);
        var deleted = await store.DeleteExpiredAsync(RetentionCutoffs.On(today), cancellationToken);
        if (deleted > 0)
            log.LogInformation("Retention deleted {Count} expired reports and replies.", deleted);
        return deleted;
    }
}
