using System.Security.Cryptography;
using System.Text;
using Reporting.Format.Age;
using Reporting.Format.Bundles;
using Reporting.Format.Keys;
using Reporting.Format.Protocol;
using Reporting.Format.Rosters;
using Xunit;

namespace Reporting.Format.Tests;

/// <summary>One spelling for every name, key and number that is signed or compared.</summary>
public class StrictInputTests
{
    [Theory]
    [InlineData("carol\n")]
    [InlineData("carol\r\n")]
    [InlineData("\ncarol")]
    public void ReviewerName_WithALineBreak_IsRefused(string name)
    {
        Assert.False(RosterEntry.IsValidName(name));
    }

    [Fact]
    public void Roster_ListingOneAccessKeyInTwoSpellings_IsRefused()
    {
        using var organisation = SigningKey.Generate(SigningKeyKind.Organisation);
        using var access = SigningKey.Generate(SigningKeyKind.Access);
        using var alice = X25519Identity.Generate();
        using var bob = X25519Identity.Generate();
        var key = access.PublicKey.ToString();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var roster = new Roster(1, today, today.AddDays(30), organisation.PublicKey.ToString(),
            [new("alice", alice.Recipient.ToString(), key), new("bob", bob.Recipient.ToString(), key.ToUpperInvariant())]);

        Assert.ThrowsAny<Exception>(() => SignedRoster.Sign(roster, organisation));
    }

    [Fact]
    public void Bech32_WithTheKelvinSignForK_IsRefused()
    {
        using var identity = X25519Identity.Generate();
        var secret = identity.Export();
        Assert.Contains('K', secret);
        var spoofed = secret.Replace("KEY", "\u212AEY");

        Assert.False(Bech32.TryDecode(spoofed, out _, out _));
        Assert.Throws<AgeException>(() => X25519Identity.Parse(spoofed));
    }

    [Fact]
    public void ReportJson_WithANullAttachment_IsInvalid()
    {
        var json = """{"schema":1,"category":"illness","language":"en","text":"t","attachments":[null]}"""u8.ToArray();

        Assert.Throws<InvalidDataException>(() => ReportDocument.Parse(json));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("00")]
    public void SignedRequest_WithTheTimestampPaddedWithZeros_DoesNotVerify(string padding)
    {
        using var key = SigningKey.Generate(SigningKeyKind.Access);
        var now = DateTimeOffset.UtcNow;
        var body = Encoding.UTF8.GetBytes("body");
        var signed = RequestSignature.Sign(key, "GET", Routes.Reports, body, now);

        Assert.True(RequestSignature.Verify(key.PublicKey, signed, "GET", Routes.Reports, body.Length, now));
        Assert.False(RequestSignature.Verify(key.PublicKey, signed with { Timestamp = padding + signed.Timestamp }, "GET", Routes.Reports, body.Length, now));
    }
}
