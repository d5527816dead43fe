using Microsoft.Extensions.Options;
using Reporting.Format.Keys;
using Reporting.Format.Rosters;
using Reporting.Server.Storage;

namespace Reporting.Server.Rosters;

/// <summary>The roster this server serves and the earlier versions it still accepts (D6). Loaded once at
/// start-up from Reporting:RosterFile, verified against the pinned organisation key; a new roster takes
/// effect on restart. Every version served is kept in the store with the day it was first served, so a
/// version's grace period runs from the day its successor appeared.</summary>
public sealed class RosterBook(IReportStore store, IOptions<ReportingOptions> options, TimeProvider clock)
{
    sealed record Version(SignedRoster Signed, DateOnly FirstServed);

    IReadOnlyList<Version> _versions = [];
    HashSet<PublicSigningKey> _accessKeys = [];

    public SignedRoster Current => _versions.Count > 0 ? _versions[^1].Signed : throw new InvalidOperationException("The roster is not loaded.");

    /// <summary>Verifies the configured roster (refusing a rollback below any version already served),
    /// remembers it, and reloads every version served before.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        var organisation = PublicSigningKey.Parse(options.Value.OrgKey.Trim(), SigningKeyKind.Organisation);
        var today = Today();
        var served = await store.ListRostersAsync(cancellationToken);
        var highest = served.Count > 0 ? served[^1].Version : 0;
        var configured = SignedRoster.Verify(File.ReadAllBytes(options.Value.RosterFile), organisation, today, highest);
        await store.RememberRosterAsync(configured.Roster.Version, configured.FileBytes, today, cancellationToken);

        var versions = new List<Version>();
        foreach (var stored in await store.ListRostersAsync(cancellationToken))
        {
            // Each was verified on the day it was first served; verify it again as of that day.
            var signed = stored.Version == configured.Roster.Version
                ? configured
                : SignedRoster.Verify(stored.FileBytes, organisation, stored.FirstServed);
            versions.Add(new Version(signed, stored.FirstServed));
        }
        _versions = versions;
        _accessKeys = configured.Roster.Reviewers
            .Select(r => PublicSigningKey.Parse(r.AccessKey, SigningKeyKind.Access))
            .ToHashSet();
    }

    /// <summary>The reviewer count of <paramref name="version"/> when submissions sealed to it are still
    /// accepted: the current version, or an earlier one within the grace period after its successor was
    /// first served. Null otherwise.</summary>
    public int? ReviewersIfAccepted(int version)
    {
        var versions = _versions;
        for (var i = 0; i < versions.Count; i++)
        {
            if (versions[i].Signed.Roster.Version != version)
                continue;
            if (i == versions.Count - 1)
                return versions[i].Signed.Roster.Reviewers.Count;
            var superseded = versions[i + 1].FirstServed;
            return Today() <= superseded.AddDays(options.Value.RosterGraceDays)
                ? versions[i].Signed.Roster.Reviewers.Count
                : null;
        }
        return null;
    }

    /// <summary>The roster file exactly as served for <paramref name="version"/>, if this server served it.</summary>
    public byte[]? FileOf(int version) =>
        _versions.FirstOrDefault(v => v.Signed.Roster.Version == version)?.Signed.FileBytes;

    /// <summary>Only the current roster's reviewers may use the reviewer routes: removing someone from the
    /// roster takes their access away at the next restart.</summary>
    public bool IsAccessKey(PublicSigningKey key) => _accessKeys.Contains(key);

    DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
}
