using Reporting.Format.Keys;
using Reporting.Format.Rosters;

namespace Reporting.Testing;

/// <summary>Rosters signed for tests, as <c>review org sign</c> would sign them.</summary>
public static class TestRoster
{
    /// <summary>A roster for <paramref name="reviewers"/>, signed by <paramref name="organisation"/>, valid from
    /// <paramref name="issuedDaysAgo"/> days before today (by <paramref name="clock"/>, the real one unless told)
    /// for <paramref name="validDays"/> days.</summary>
    public static SignedRoster Sign(SigningKey organisation, IEnumerable<TestReviewer> reviewers, int version,
        int issuedDaysAgo = 1, int validDays = 90, TimeProvider? clock = null)
    {
        var issued = DateOnly.FromDateTime((clock ?? TimeProvider.System).GetUtcNow().UtcDateTime).AddDays(-issuedDaysAgo);
        var roster = new Roster(version, issued, issued.AddDays(validDays), organisation.PublicKey.ToString(), [.. reviewers.Select(r => r.Entry)]);
        return SignedRoster.Sign(roster, organisation);
    }
}
