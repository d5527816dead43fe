using System.Text;
using System.Text.Json.Nodes;
using Reporting.Format.Age;
using Reporting.Format.Keys;
using Reporting.Format.Rosters;
using Xunit;

namespace Reporting.Format.Tests;

public sealed class RosterTests : IDisposable
{
    static readonly DateOnly Issued = new(2026, 11, 27);
    static readonly DateOnly Expires = new(2027, 2, 25);

    readonly SigningKey organisation = SigningKey.Generate(SigningKeyKind.Organisation);
    readonly SigningKey otherOrganisation = SigningKey.Generate(SigningKeyKind.Organisation);
    readonly List<IDisposable> keys = [];

    public void Dispose()
    {
        organisation.Dispose();
        otherOrganisation.Dispose();
        keys.ForEach(k => k.Dispose());
    }

    RosterEntry Reviewer(string name, KeyKind kind = KeyKind.X25519)
    {
        var identity = AgeKeys.Generate(kind);
        var access = SigningKey.Generate(SigningKeyKind.Access);
        keys.Add(identity);
        keys.Add(access);
        return new RosterEntry(name, identity.Recipient.ToString()!, access.PublicKey.ToString());
    }

    Roster RosterOf(SigningKey signer, int version = 3, params RosterEntry[] reviewers) =>
        new(version, Issued, Expires, signer.PublicKey.ToString(), reviewers.Length > 0 ? reviewers : [Reviewer("alice"), Reviewer("bob")]);

    RosterException Refused(byte[] file, DateOnly? today = null, int minimumVersion = 0) =>
        Assert.Throws<RosterException>(() => SignedRoster.Verify(file, organisation.PublicKey, today ?? Issued, minimumVersion));

    /// <summary>Builds a roster file by hand, as PROTOCOL.md describes it, to test the verifier
    /// independently of <see cref="SignedRoster.Sign"/>.</summary>
    static byte[] HandMade(string payloadJson, SigningKey? signer, string domain = "reporting roster v1\n")
    {
        var payload = Encoding.UTF8.GetBytes(payloadJson);
        var file = new JsonObject { ["payload"] = Convert.ToBase64String(payload) };
        if (signer is not null)
            file["signature"] = Convert.ToBase64String(signer.Sign([.. Encoding.UTF8.GetBytes(domain), .. payload]));
        return Encoding.UTF8.GetBytes(file.ToJsonString());
    }

    string PayloadJson(RosterEntry[]? reviewers = null, string? organisationKey = null) =>
        new JsonObject
        {
            ["version"] = 3,
            ["issued"] = "2026-11-27",
            ["expires"] = "2027-02-25",
            ["organisation"] = organisationKey ?? organisation.PublicKey.ToString(),
            ["reviewers"] = new JsonArray((reviewers ?? [Reviewer("alice")])
                .Select(r => (JsonNode)new JsonObject { ["name"] = r.Name, ["recipient"] = r.Recipient, ["accessKey"] = r.AccessKey })
                .ToArray()),
        }.ToJsonString();

    [Fact]
    public void Signed_ThenVerified_GivesTheSameRosterAndBytes()
    {
        var roster = RosterOf(organisation);
        var signed = SignedRoster.Sign(roster, organisation);

        var verified = SignedRoster.Verify(signed.FileBytes, organisation.PublicKey, Issued);

        Assert.Equal(signed.FileBytes, verified.FileBytes);
        Assert.Equal(3, verified.Roster.Version);
        Assert.Equal(Issued, verified.Roster.Issued);
        Assert.Equal(Expires, verified.Roster.Expires);
        Assert.Equal(roster.Organisation, verified.Roster.Organisation);
        Assert.Equal(roster.Reviewers, verified.Roster.Reviewers);
    }

    [Fact]
    public void HybridRoster_IsSignedAndVerified_AndSaysItsKind()
    {
        var signed = SignedRoster.Sign(RosterOf(organisation, 3, Reviewer("alice", KeyKind.Hybrid), Reviewer("bob", KeyKind.Hybrid)), organisation);

        var verified = SignedRoster.Verify(signed.FileBytes, organisation.PublicKey, Issued);

        Assert.Equal(KeyKind.Hybrid, verified.Roster.RecipientKind());
        Assert.All(verified.Roster.Reviewers, r => Assert.StartsWith("age1pq1", r.Recipient));
        Assert.Equal(KeyKind.X25519, SignedRoster.Sign(RosterOf(organisation), organisation).Roster.RecipientKind());
    }

    [Fact]
    public void RosterMixingHybridAndClassicReviewers_IsNotSigned_AndNotBelievedWhenSignedByHand()
    {
        RosterEntry[] mixed = [Reviewer("alice", KeyKind.Hybrid), Reviewer("bob")];

        var e = Assert.Throws<ArgumentException>(() => SignedRoster.Sign(RosterOf(organisation, 3, mixed), organisation));
        Assert.Contains("mixes post-quantum", e.Message);
        Assert.Equal(RosterFailure.Malformed, Refused(HandMade(PayloadJson(mixed), organisation)).Failure);
    }

    [Fact]
    public void HandMadeFile_FollowingTheProtocol_Verifies()
    {
        var file = HandMade(PayloadJson(), organisation);

        var verified = SignedRoster.Verify(file, organisation.PublicKey, Issued);

        Assert.Equal("alice", Assert.Single(verified.Roster.Reviewers).Name);
    }

    [Fact]
    public void SignatureWithoutTheDomainPrefix_IsABadSignature()
    {
        var file = HandMade(PayloadJson(), organisation, domain: "");

        Assert.Equal(RosterFailure.BadSignature, Refused(file).Failure);
    }

    [Fact]
    public void FlippedPayloadByte_IsABadSignature()
    {
        var signed = SignedRoster.Sign(RosterOf(organisation), organisation);
        var file = JsonNode.Parse(signed.FileBytes)!;
        var payload = Convert.FromBase64String((string)file["payload"]!);
        // Flip one bit inside a reviewer's name: still valid JSON, still a valid roster, not what was signed.
        var at = Encoding.UTF8.GetString(payload).IndexOf("alice", StringComparison.Ordinal);
        payload[at] ^= 0x02;
        file["payload"] = Convert.ToBase64String(payload);

        var failure = Refused(Encoding.UTF8.GetBytes(file.ToJsonString()));

        Assert.Equal(RosterFailure.BadSignature, failure.Failure);
        Assert.Contains("signature", failure.Message);
    }

    [Fact]
    public void SignatureOfAnotherRoster_IsABadSignature()
    {
        var signed = JsonNode.Parse(SignedRoster.Sign(RosterOf(organisation, version: 3), organisation).FileBytes)!;
        var other = JsonNode.Parse(SignedRoster.Sign(RosterOf(organisation, version: 4), organisation).FileBytes)!;
        signed["signature"] = (string)other["signature"]!;

        Assert.Equal(RosterFailure.BadSignature, Refused(Encoding.UTF8.GetBytes(signed.ToJsonString())).Failure);
    }

    [Fact]
    public void RosterOfAnotherOrganisation_IsRefusedAndSaysSo()
    {
        var signed = SignedRoster.Sign(RosterOf(otherOrganisation), otherOrganisation);

        var failure = Refused(signed.FileBytes);

        Assert.Equal(RosterFailure.WrongOrganisation, failure.Failure);
        Assert.Contains(otherOrganisation.PublicKey.ToString(), failure.Message);
    }

    [Fact]
    public void SignedByTheOrganisationButNamingAnother_IsWrongOrganisation()
    {
        var file = HandMade(PayloadJson(organisationKey: otherOrganisation.PublicKey.ToString()), organisation);

        Assert.Equal(RosterFailure.WrongOrganisation, Refused(file).Failure);
    }

    [Fact]
    public void SignedWithAKeyNamingItself_ButNotPinned_IsNeverAccepted()
    {
        // The attacker's key signs a roster claiming to be the pinned organisation.
        var file = HandMade(PayloadJson(), otherOrganisation);

        Assert.Equal(RosterFailure.BadSignature, Refused(file).Failure);
    }

    [Theory]
    [InlineData("""{ "payload": "e30=" }""")]
    [InlineData("""{ "payload": "e30=", "signature": null }""")]
    [InlineData("""{ "payload": "e30=", "signature": "" }""")]
    public void Unsigned_IsRefusedAsUnsigned(string file)
    {
        Assert.Equal(RosterFailure.Unsigned, Refused(Encoding.UTF8.GetBytes(file)).Failure);
    }

    [Fact]
    public void UnsignedButOtherwiseValid_IsRefusedAsUnsigned()
    {
        Assert.Equal(RosterFailure.Unsigned, Refused(HandMade(PayloadJson(), signer: null)).Failure);
    }

    [Fact]
    public void OnTheDayItExpires_IsExpired_AndTheDayBeforeIsFine()
    {
        var signed = SignedRoster.Sign(RosterOf(organisation), organisation);

        SignedRoster.Verify(signed.FileBytes, organisation.PublicKey, Expires.AddDays(-1));
        var failure = Refused(signed.FileBytes, today: Expires);

        Assert.Equal(RosterFailure.Expired, failure.Failure);
        Assert.Contains("2027-02-25", failure.Message);
    }

    [Fact]
    public void BeforeItsIssueDay_IsNotYetValid()
    {
        var signed = SignedRoster.Sign(RosterOf(organisation), organisation);

        Assert.Equal(RosterFailure.NotYetValid, Refused(signed.FileBytes, today: Issued.AddDays(-1)).Failure);
    }

    [Fact]
    public void OlderThanAVersionSeenBefore_IsARollback()
    {
        var signed = SignedRoster.Sign(RosterOf(organisation, version: 3), organisation);

        SignedRoster.Verify(signed.FileBytes, organisation.PublicKey, Issued, minimumVersion: 3);
        var failure = Refused(signed.FileBytes, minimumVersion: 4);

        Assert.Equal(RosterFailure.Rollback, failure.Failure);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{ "payload": "e30=", "signature": "AAAA", }""")]
    [InlineData("""{ /* note */ "payload": "e30=", "signature": "AAAA" }""")]
    [InlineData("""{ "payload": "e30=", "signature": "AAAA", "extra": 1 }""")]
    [InlineData("""{ "payload": "e30=", "payload": "e30=", "signature": "AAAA" }""")]
    [InlineData("""{ "signature": "AAAA" }""")]
    [InlineData("""{ "payload": "not base64!", "signature": "AAAA" }""")]
    [InlineData("""[]""")]
    [InlineData("""null""")]
    public void MalformedFile_IsRefusedAsMalformed(string file)
    {
        Assert.Equal(RosterFailure.Malformed, Refused(Encoding.UTF8.GetBytes(file)).Failure);
    }

    [Fact]
    public void SignedPayloadWithAnUnknownMember_IsMalformed()
    {
        var payload = PayloadJson().TrimEnd('}') + ""","note":"hi"}""";

        Assert.Equal(RosterFailure.Malformed, Refused(HandMade(payload, organisation)).Failure);
    }

    [Fact]
    public void SignedPayloadWithoutReviewers_IsMalformed()
    {
        Assert.Equal(RosterFailure.Malformed, Refused(HandMade(PayloadJson(reviewers: []), organisation)).Failure);
    }

    [Fact]
    public void SignedPayloadWithTwoReviewersOfOneName_IsMalformed()
    {
        var failure = Refused(HandMade(PayloadJson(reviewers: [Reviewer("alice"), Reviewer("alice")]), organisation));

        Assert.Equal(RosterFailure.Malformed, failure.Failure);
        Assert.Contains("alice", failure.Message);
    }

    [Fact]
    public void SignedPayloadWithAnAccessKeyWhereTheRecipientGoes_IsMalformed()
    {
        var alice = Reviewer("alice");
        var swapped = alice with { Recipient = alice.AccessKey };

        Assert.Equal(RosterFailure.Malformed, Refused(HandMade(PayloadJson(reviewers: [swapped]), organisation)).Failure);
    }

    [Fact]
    public void Sign_WithAnAccessKey_IsRefused()
    {
        using var access = SigningKey.Generate(SigningKeyKind.Access);

        Assert.Throws<ArgumentException>(() => SignedRoster.Sign(RosterOf(organisation), access));
    }

    [Fact]
    public void Sign_ARosterNamingAnotherOrganisation_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => SignedRoster.Sign(RosterOf(otherOrganisation), organisation));
    }

    [Fact]
    public void Entry_RoundTripsThroughItsJson()
    {
        var alice = Reviewer("alice");

        Assert.Equal(alice, RosterEntry.Parse(alice.ToJson()));
    }

    [Theory]
    [InlineData("Alice")]
    [InlineData("../alice")]
    [InlineData("al ice")]
    [InlineData("-alice")]
    [InlineData("")]
    [InlineData("a23456789012345678901234567890123")]
    public void Entry_WithAnUnsafeName_IsRefused(string name)
    {
        var entry = Reviewer("alice") with { Name = name };

        Assert.False(RosterEntry.IsValidName(name));
        Assert.Throws<FormatException>(() => RosterEntry.Parse(entry.ToJson()));
    }
}
