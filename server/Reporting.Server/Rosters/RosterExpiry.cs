using Microsoft.Extensions.Options;
using Reporting.Format.Protocol;
using Reporting.Format.Rosters;

namespace Reporting.Server.Rosters;

/// <summary>The one place the server says ahead of time that what clients need runs out: the roster in force (from
/// its expiry day clients refuse it and this server stops serving it and taking reports, until the organisation signs
/// a new one offline) and, when the roster asks for one, the reviewers' freshness statement (once it lapses clients
/// refuse to seal). Looked at when the server starts and after each look at the roster file (<see cref="RosterWatcher"/>),
/// counted in UTC days as clients count, and said at most once a day unless what is in force changes: a warning
/// beforehand, an error once it has run out.</summary>
public sealed class RosterExpiry(RosterBook roster, RosterFreshness freshness, IOptions<ReportingOptions> options, TimeProvider clock, ILogger<RosterExpiry> log)
{
    /// <summary>Two weeks: time to reach whoever holds the organisation key and its offline machine.</summary>
    public const int WarningDays = 14;

    readonly Lock _saying = new();
    string? _said;

    /// <summary>Logs a warning or an error when the roster in force, or its freshness statement, is near or past its end.</summary>
    public void Check()
    {
        var served = roster.Current.Roster;
        var statement = freshness.Current;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        lock (_saying)
        {
            // What was said is said again the next day, or at once when another roster or statement takes over.
            var state = $"{today:yyyy-MM-dd} {served.Version} {statement?.Statement.Issued:yyyy-MM-dd}";
            if (state == _said)
                return;
            _said = state;
        }
        var daysLeft = served.Expires.DayNumber - today.DayNumber;
        if (daysLeft <= 0)
        {
            log.LogError("Roster version {Version} expired on {Expires}: clients refuse it, no roster is served and no report is accepted " +
                "until a new version is in place; {Renew}.", served.Version, WireDay.Of(served.Expires), RenewRoster(served));
            return;
        }
        if (daysLeft <= WarningDays)
            log.LogWarning("Roster version {Version} expires on {Expires}, in {Days} days: from then on clients refuse it and no report can be submitted; {Renew}.",
                served.Version, WireDay.Of(served.Expires), daysLeft, RenewRoster(served));
        if (served.FreshnessKey is not null)
            CheckFreshness(served, statement, today);
    }

    void CheckFreshness(Roster served, SignedFreshness? statement, DateOnly today)
    {
        if (statement is null)
        {
            log.LogError("Roster version {Version} asks for a freshness statement and none that verifies is in {File}: clients refuse to seal to it; {Renew}.",
                served.Version, freshness.FilePath, RenewStatement());
            return;
        }
        var lapses = statement.LapsesOn(served);
        var daysLeft = lapses.DayNumber - today.DayNumber;
        if (daysLeft <= 0)
            log.LogError("The freshness statement for roster version {Version} lapsed on {Lapses}: clients refuse to seal to it until a new statement is in place; {Renew}.",
                served.Version, WireDay.Of(lapses), RenewStatement());
        // Well before: from the day half of its life is gone (for a week's statement renewed daily, three renewals missed).
        else if (daysLeft <= Math.Max(1, (lapses.DayNumber - statement.Statement.Issued.DayNumber) / 2))
            log.LogWarning("The freshness statement for roster version {Version} lapses on {Lapses}, in {Days} days: from then on clients refuse to seal to it; {Renew}.",
                served.Version, WireDay.Of(lapses), daysLeft, RenewStatement());
    }

    string RenewRoster(Roster served) =>
        $"sign a new roster offline with a higher version (`review org sign --org-key … --entry … --version {served.Version + 1} --out roster.json`) " +
        $"and put it in place of {Path.GetFullPath(options.Value.RosterFile)}: it is served within {options.Value.RosterCheckSeconds} s, without a restart";

    string RenewStatement() =>
        $"on a reviewer's machine, `review org fresh --key fresh.key --roster roster.json --out roster.fresh` and put the file at {freshness.FilePath}: " +
        $"it is served within {options.Value.RosterCheckSeconds} s, without a restart";
}
