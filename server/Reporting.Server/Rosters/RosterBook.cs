using Microsoft.Extensions.Options;
using Reporting.Format.Keys;
using Reporting.Format.Rosters;
using Reporting.Server.Storage;

namespace Reporting.Server.Rosters;

/// <summary>The roster this server serves and the earlier versions it still accepts (D6). Loaded at
/// start-up from Reporting:RosterFile, verified against the pinned organisation key, and looked at again
/// every few seconds (<see cref="RosterWatcher"/>): a new roster file takes effect without a restart once
/// it verifies, and a bad one is refused with a warning while the roster in force stays. Every version
/// served is kept in the store with the day it was first served (so a version's grace period runs from
/// the day its successor appeared), and the highest of them is current: instances sharing a database
/// converge on the newest roster any of them served.</summary>
public sealed class RosterBook(IReportStore store, IOptions<ReportingOptions> options, TimeProvider clock, ILogger<RosterBook> log)
{
    sealed record Version(SignedRoster Signed, DateOnly FirstServed);

    IReadOnlyList<Version> _versions = [];
    HashSet<PublicSigningKey> _accessKeys = [];
    byte[] _seenFile = [];
    readonly SemaphoreSlim _refreshing = new(1, 1);

    public SignedRoster Current => _versions.Count > 0 ? _versions[^1].Signed : throw new InvalidOperationException("The roster is not loaded.");

    /// <summary>Whether the current roster has expired, counted as clients count (UTC days): then no roster is
    /// served and no report accepted until a new version is in place, so that server and clients agree on it
    /// while the server runs, not only at start-up. Reviewers' and mailboxes' requests go on.</summary>
    public bool CurrentExpired => Today() >= Current.Roster.Expires;

    PublicSigningKey Organisation => PublicSigningKey.Parse(options.Value.OrgKey.Trim(), SigningKeyKind.Organisation);

    /// <summary>At start-up: verifies the configured roster (refusing a rollback below any version already
    /// served), remembers it, and reloads every version served before. Throws what is wrong.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            await AcceptFileAsync(File.ReadAllBytes(options.Value.RosterFile), cancellationToken);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <summary>While running: takes a changed roster file if it verifies (else logs a warning once and keeps
    /// the roster in force), and picks up versions another instance served. Never throws for a bad file.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            byte[] file;
            try
            {
                file = File.ReadAllBytes(options.Value.RosterFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                file = _seenFile; // being replaced, or unreadable for a moment: look again next time
            }
            if (!file.AsSpan().SequenceEqual(_seenFile))
            {
                _seenFile = file;
                try
                {
                    await AcceptFileAsync(file, cancellationToken);
                    log.LogWarning("Roster version {Version} is now served.", Current.Roster.Version);
                    return;
                }
                catch (RosterException e) when (e.Failure == RosterFailure.VersionReused)
                {
                    log.LogError("The changed roster file was refused: it carries version {Version}, which this server already serves " +
                        "with other content, and a version never changes its content. The organisation must sign it as a new version; " +
                        "roster version {Current} stays in force.", e.Version, Current.Roster.Version);
                }
                catch (RosterException e)
                {
                    log.LogWarning("The changed roster file was refused ({Failure}); roster version {Version} stays in force.", e.Failure, Current.Roster.Version);
                }
            }
            await RebuildAsync(cancellationToken);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    async Task AcceptFileAsync(byte[] file, CancellationToken cancellationToken)
    {
        var today = Today();
        var served = await store.ListRostersAsync(cancellationToken);
        var highest = served.Count > 0 ? served[^1].Version : 0;
        var configured = SignedRoster.Verify(file, Organisation, today, highest);
        _seenFile = file;
        RefuseReuse(configured, served);
        await store.RememberRosterAsync(configured.Roster.Version, configured.FileBytes, today, cancellationToken);
        // Another instance may have stored other content under this version in the meantime: the first one
        // stored is the version's content, everywhere.
        RefuseReuse(configured, await store.ListRostersAsync(cancellationToken));
        await RebuildAsync(cancellationToken);
    }

    /// <summary>One version, one content (docs/DESIGN.md D3): a file whose version was already served with
    /// other bytes is refused, so a removed reviewer cannot stay in force under a re-signed version.</summary>
    static void RefuseReuse(SignedRoster configured, IReadOnlyList<StoredRoster> served)
    {
        if (served.FirstOrDefault(r => r.Version == configured.Roster.Version) is { } stored)
            SignedRoster.RefuseVersionReuse(configured, stored.Version, stored.FileBytes);
    }

    /// <summary>Every version served so far, each verified again as of the day it was first served.</summary>
    async Task RebuildAsync(CancellationToken cancellationToken)
    {
        var served = await store.ListRostersAsync(cancellationToken);
        // A version's file and first day never change once stored: the same versions need no new check
        // (this runs every few seconds).
        if (served.Select(r => r.Version).SequenceEqual(_versions.Select(v => v.Signed.Roster.Version)))
            return;
        var organisation = Organisation;
        var versions = new List<Version>();
        foreach (var stored in served)
            versions.Add(new Version(SignedRoster.Verify(stored.FileBytes, organisation, stored.FirstServed), stored.FirstServed));
        _accessKeys = versions[^1].Signed.Roster.Reviewers
            .Select(r => PublicSigningKey.Parse(r.AccessKey, SigningKeyKind.Access))
            .ToHashSet();
        _versions = versions;
    }

    /// <summary>The reviewers of <paramref name="version"/> when submissions sealed to it are still
    /// accepted: the current version, or an earlier one within the grace period after its successor was
    /// first served. Null otherwise.</summary>
    public IReadOnlyList<RosterEntry>? ReviewersIfAccepted(int version)
    {
        var versions = _versions;
        for (var i = 0; i < versions.Count; i++)
        {
            if (versions[i].Signed.Roster.Version != version)
                continue;
            if (i == versions.Count - 1)
                return versions[i].Signed.Roster.Reviewers;
            var superseded = versions[i + 1].FirstServed;
            return Today() <= superseded.AddDays(options.Value.RosterGraceDays)
                ? versions[i].Signed.Roster.Reviewers
                : null;
        }
        return null;
    }

    /// <summary>The roster file exactly as served for <paramref name="version"/>, if this server served it.</summary>
    public byte[]? FileOf(int version) =>
        _versions.FirstOrDefault(v => v.Signed.Roster.Version == version)?.Signed.FileBytes;

    /// <summary>Only the current roster's reviewers may use the reviewer routes: removing someone from the
    /// roster takes their access away as soon as the new roster is served.</summary>
    public bool IsAccessKey(PublicSigningKey key) => _accessKeys.Contains(key);

    DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
}
