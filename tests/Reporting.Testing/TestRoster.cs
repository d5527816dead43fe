using Reporting.Format.Keys;
using Reporting.Format.Rosters;

namespace Reporting.Testing;

/// <summary>Rosters signed for tests, as <c>review org sign</c> would sign them.</summary>
public static class TestRoster
{
    /// <summary>A roster for <paramref name="reviewers"/>, signed by <paramref name="organisation"/>, valid from
    /// <paramref name="issuedDaysAgo"/> days before today (by <paramref name="clock"/>, the real one unless told)
    /// for <paramref name="validDays"/> days; listing <paramref name="freshness"/>, when given, as its freshness key.</summary>
    public static SignedRoster Sign(SigningKey organisation, IEnumerable<TestReviewer> reviewers, int version,
        int issuedDaysAgo = 1, int validDays = 90, TimeProvider? clock = null, SigningKey? freshness = null, int? freshnessDays = null)
    {
        var issued = DateOnly.FromDateTime((clock ?? TimeProvider.System).GetUtcNow().UtcDateTime).AddDays(-issuedDaysAgo);
        var roster = new Roster(version, issued, issued.AddDays(validDays), organisation.PublicKey.ToString(), [.. reviewers.Select(r => r.Entry)],
            FreshnessKey: freshness?.PublicKey.ToString(), FreshnessDays: freshnessDays);
        return SignedRoster.Sign(roster, organisation);
    }

    /// <summary>A statement that <paramref name="roster"/> is current, made <paramref name="madeDaysAgo"/> days before
    /// today (by <paramref name="clock"/>) for <paramref name="days"/> days, as <c>review org fresh</c> makes it.</summary>
    public static SignedFreshness Fresh(SignedRoster roster, SigningKey freshness, int madeDaysAgo = 0, int days = 7, TimeProvider? clock = null) =>
        SignedFreshness.Sign(roster, freshness, DateOnly.FromDateTime((clock ?? TimeProvider.System).GetUtcNow().UtcDateTime).AddDays(-madeDaysAgo), days);
}
