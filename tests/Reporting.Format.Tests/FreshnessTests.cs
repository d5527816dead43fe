using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Reporting.Format.Age;
using Reporting.Format.Keys;
using Reporting.Format.Rosters;
using Xunit;

namespace Reporting.Format.Tests;

/// <summary>The freshness statement as PROTOCOL.md lays it out ("Roster freshness"): signed by the freshness key the
/// roster lists, bound to that roster's version and exact bytes, good until its expiry or the roster's bound.</summary>
public sealed class FreshnessTests : IDisposable
{
    static readonly DateOnly Issued = new(2026, 12, 1);

    readonly SigningKey organisation = SigningKey.Generate(SigningKeyKind.Organisation);
    readonly SigningKey freshness = SigningKey.Generate(SigningKeyKind.Freshness);
    readonly SigningKey access = SigningKey.Generate(SigningKeyKind.Access);
    readonly X25519Identity identity = X25519Identity.Generate();

    public void Dispose()
    {
        organisation.Dispose();
        freshness.Dispose();
        access.Dispose();
        identity.Dispose();
    }

    SignedRoster RosterListing(string? freshnessKey, int? days = null, int version = 3, int validDays = 90) =>
        SignedRoster.Sign(new Roster(version, Issued, Issued.AddDays(validDays), organisation.PublicKey.ToString(),
            [new RosterEntry("alice", identity.Recipient.ToString(), access.PublicKey.ToString())], FreshnessKey: freshnessKey, FreshnessDays: days), organisation);

    SignedRoster Roster(int? days = null, int version = 3, int validDays = 90) => RosterListing(freshness.PublicKey.ToString(), days, version, validDays);

    /// <summary>Built by hand from PROTOCOL.md, to test the verifier apart from <see cref="SignedFreshness.Sign"/>.</summary>
    static byte[] HandMade(SigningKey signer, int version, byte[] rosterFile, string issued, string expires, string domain = "reporting roster freshness v1\n")
    {
        var payload = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["version"] = version,
            ["rosterSha256"] = Convert.ToHexStringLower(SHA256.HashData(rosterFile)),
            ["issued"] = issued,
            ["expires"] = expires,
        }.ToJsonString());
        return Encoding.UTF8.GetBytes(new JsonObject
        {
            ["payload"] = Convert.ToBase64String(payload),
            ["signature"] = Convert.ToBase64String(signer.Sign([.. Encoding.UTF8.GetBytes(domain), .. payload])),
        }.ToJsonString());
    }

    static RosterFailure Failure(Action check) => Assert.Throws<RosterException>(check).Failure;

    [Fact]
    public void HandMadeStatement_Verifies_AndSignedOne_ReadsBackTheSame()
    {
        var roster = Roster();

        var handMade = SignedFreshness.Verify(HandMade(freshness, 3, roster.FileBytes, "2026-12-01", "2026-12-08"), roster);
        var signed = SignedFreshness.Sign(roster, freshness, Issued, 7);

        Assert.Equal(handMade.Statement, signed.Statement);
        Assert.Equal(signed.Statement, SignedFreshness.Verify(signed.FileBytes, roster).Statement);
        Assert.Equal(Issued.AddDays(7), signed.LapsesOn(roster.Roster));
    }

    [Fact]
    public void Statement_IsGoodUntilTheDayBeforeItLapses_AndNotBeforeItWasMade()
    {
        var roster = Roster();
        var statement = SignedFreshness.Sign(roster, freshness, Issued, 7);

        statement.RequireCurrent(roster.Roster, Issued);
        statement.RequireCurrent(roster.Roster, Issued.AddDays(6));
        var lapsed = Assert.Throws<RosterException>(() => statement.RequireCurrent(roster.Roster, Issued.AddDays(7)));
        Assert.Equal(RosterFailure.FreshnessLapsed, lapsed.Failure);
        Assert.Equal((Issued, Issued.AddDays(7)), lapsed.Freshness);
        Assert.Equal(RosterFailure.NotYetValid, Failure(() => statement.RequireCurrent(roster.Roster, Issued.AddDays(-1))));
    }

    [Fact]
    public void StatementClaimingLongerThanTheRostersBound_LapsesAtTheBound()
    {
        var roster = Roster(days: 5);

        // Made by hand: the freshness key's holder may claim a month, but the organisation bounds it to 5 days.
        var statement = SignedFreshness.Verify(HandMade(freshness, 3, roster.FileBytes, "2026-12-01", "2026-12-31"), roster);

        Assert.Equal(Issued.AddDays(5), statement.LapsesOn(roster.Roster));
        Assert.Equal(RosterFailure.FreshnessLapsed, Failure(() => statement.RequireCurrent(roster.Roster, Issued.AddDays(5))));
        Assert.Equal(14, Roster().Roster.FreshnessBound());
        Assert.Throws<ArgumentException>(() => SignedFreshness.Sign(roster, freshness, Issued, 6));
    }

    [Fact]
    public void StatementForAnotherVersionOrOtherBytes_IsAMismatch()
    {
        var roster = Roster();
        var sameVersionOtherBytes = Roster(validDays: 60);
        var otherVersion = Roster(version: 4);

        Assert.Equal(RosterFailure.FreshnessMismatch, Failure(() => SignedFreshness.Verify(SignedFreshness.Sign(sameVersionOtherBytes, freshness, Issued, 7).FileBytes, roster)));
        Assert.Equal(RosterFailure.FreshnessMismatch, Failure(() => SignedFreshness.Verify(SignedFreshness.Sign(otherVersion, freshness, Issued, 7).FileBytes, roster)));
    }

    [Fact]
    public void StatementSignedByAnotherKey_OrUnderAnotherDomain_OrAltered_IsInvalid()
    {
        var roster = Roster();
        using var other = SigningKey.Generate(SigningKeyKind.Freshness);
        var good = SignedFreshness.Sign(roster, freshness, Issued, 7).FileBytes;
        var altered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(good).Replace("\"payload\": \"", "\"payload\": \"e"));

        Assert.Equal(RosterFailure.FreshnessInvalid, Failure(() => SignedFreshness.Verify(HandMade(other, 3, roster.FileBytes, "2026-12-01", "2026-12-08"), roster)));
        Assert.Equal(RosterFailure.FreshnessInvalid, Failure(() => SignedFreshness.Verify(HandMade(freshness, 3, roster.FileBytes, "2026-12-01", "2026-12-08", "reporting roster v1\n"), roster)));
        Assert.Equal(RosterFailure.FreshnessInvalid, Failure(() => SignedFreshness.Verify(altered, roster)));
        Assert.Equal(RosterFailure.FreshnessInvalid, Failure(() => SignedFreshness.Verify(HandMade(freshness, 3, roster.FileBytes, "2026-12-08", "2026-12-08"), roster)));
        Assert.Equal(RosterFailure.FreshnessInvalid, Failure(() => SignedFreshness.Verify("{}"u8, roster)));
        Assert.Throws<ArgumentException>(() => SignedFreshness.Sign(roster, other, Issued, 7));
    }

    [Fact]
    public void Newest_IsTheMostRecentlyMadeStatementThatVerifies_NeverAnOlderOneReplayed()
    {
        var roster = Roster();
        var older = SignedFreshness.Sign(roster, freshness, Issued, 7).FileBytes;
        var newer = SignedFreshness.Sign(roster, freshness, Issued.AddDays(2), 7).FileBytes;
        var forAnother = SignedFreshness.Sign(Roster(version: 4), freshness, Issued.AddDays(5), 7).FileBytes;

        Assert.Same(newer, SignedFreshness.Newest(roster, older, newer));
        Assert.Same(newer, SignedFreshness.Newest(roster, newer, older));
        Assert.Same(older, SignedFreshness.Newest(roster, forAnother, older));
        Assert.Same(forAnother, SignedFreshness.Newest(roster, forAnother, null));
    }

    [Fact]
    public void Require_AsksNothingOfARosterListingNoFreshnessKey_AndAStatementOfOneThatDoes()
    {
        Assert.Null(SignedFreshness.Require(RosterListing(null), null, Issued.AddDays(40)));
        Assert.Equal(RosterFailure.FreshnessMissing, Failure(() => SignedFreshness.Require(Roster(), null, Issued)));
    }

    [Fact]
    public void Roster_WithAFreshnessBoundButNoKey_OrAnotherKindOfKey_OrABoundOutOfRange_IsNotValid()
    {
        Assert.Throws<ArgumentException>(() => RosterListing(null, days: 7));
        Assert.Throws<ArgumentException>(() => RosterListing(access.PublicKey.ToString()));
        Assert.Throws<ArgumentException>(() => Roster(days: 0));
        Assert.Throws<ArgumentException>(() => Roster(days: 367));
        Assert.Equal(7, Roster(days: 7).Roster.FreshnessDays);
    }
}
