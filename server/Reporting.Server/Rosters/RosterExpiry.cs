using Microsoft.Extensions.Options;
using Reporting.Format.Protocol;

namespace Reporting.Server.Rosters;

/// <summary>Says ahead of time that the roster in force runs out: from its expiry day clients refuse it, so
/// no report can be submitted until the organisation signs a new one (offline) and it is put in place.
/// Looked at when the server starts and then daily: a warning in the last <see cref="WarningDays"/> days,
/// an error once it has expired.</summary>
public sealed class RosterExpiry(RosterBook roster, IOptions<ReportingOptions> options, TimeProvider clock, ILogger<RosterExpiry> log) : ServerJob
{
    /// <summary>Two weeks: time to reach whoever holds the organisation key and its offline machine.</summary>
    public const int WarningDays = 14;

    static readonly TimeSpan Interval = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first look is at start-up (ServerApp.PrepareAsync), before anything is served.
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
            Check();
    }

    /// <summary>Logs a warning or an error when the roster served is near or past its expiry day.</summary>
    public void Check()
    {
        var served = roster.Current.Roster;
        var daysLeft = served.Expires.DayNumber - DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).DayNumber;
        if (daysLeft > WarningDays)
            return;
        var renew = $"sign a new roster offline with a higher version (`review org sign --org-key … --entry … --version {served.Version + 1} --out roster.json`) " +
            $"and put it in place of {Path.GetFullPath(options.Value.RosterFile)}: it is served within {options.Value.RosterCheckSeconds} s, without a restart";
        if (daysLeft <= 0)
            log.LogError("Roster version {Version} expired on {Expires}: clients refuse it, so no report can be submitted; {Renew}.",
                served.Version, WireDay.Of(served.Expires), renew);
        else
            log.LogWarning("Roster version {Version} expires on {Expires}, in {Days} days: from then on clients refuse it and no report can be submitted; {Renew}.",
                served.Version, WireDay.Of(served.Expires), daysLeft, renew);
    }
}
