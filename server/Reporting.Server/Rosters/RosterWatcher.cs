using Microsoft.Extensions.Options;

namespace Reporting.Server.Rosters;

/// <summary>Looks at the roster file every Reporting:RosterCheckSeconds (and at the store's rosters, for
/// versions another instance served), then at the freshness statement beside it, then says what runs out soon.</summary>
public sealed class RosterWatcher(RosterBook roster, RosterFreshness freshness, RosterExpiry expiry, IOptions<ReportingOptions> options, TimeProvider clock, ILogger<RosterWatcher> log) : ServerJob
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.RosterCheckSeconds), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await roster.RefreshAsync(stoppingToken);
                freshness.Refresh();
                expiry.Check();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning("Looking for a new roster failed ({Kind}); it will be tried again.", e.GetType().Name);
            }
        }
    }
}
