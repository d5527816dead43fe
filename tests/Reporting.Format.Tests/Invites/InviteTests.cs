using Reporting.Format.Age;
using Reporting.Format.Invites;
using Reporting.Format.Keys;
using Xunit;

namespace Reporting.Format.Tests.Invites;

public sealed class InviteTests
{
    static readonly PublicSigningKey Organisation = SigningKey.Generate(SigningKeyKind.Organisation).PublicKey;

    [Theory]
    [InlineData("https://reports.example.org/", null)]
    [InlineData("http://abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzab.onion/", "socks5://127.0.0.1:9050/")]
    [InlineData("https://example.org/보고/", "http://proxy.example:3128/")]
    public void Written_ThenParsed_GivesTheSameInvite(string server, string? proxy)
    {
        var invite = new Invite(server, Organisation, proxy);

        var text = invite.ToString();
        var parsed = Invite.Parse(text);

        Assert.StartsWith("reportinvite1", text);
        Assert.Equal(server, parsed.Server);
        Assert.Equal(proxy, parsed.Proxy);
        Assert.Equal(Organisation, parsed.Organisation);
        Assert.Equal(parsed, Invite.Parse(invite.ToQrText()));
        Assert.Equal(text.ToUpperInvariant(), invite.ToQrText());
    }

    [Fact]
    public void AMinimumRosterVersion_IsCarried_AndAnInviteWithoutOne_KeepsTheFirstLayout()
    {
        var with = new Invite("https://reports.example.org/", Organisation, null, MinRosterVersion: 7);
        var without = new Invite("https://reports.example.org/", Organisation, null);

        Assert.Equal(with, Invite.Parse(with.ToString()));
        Assert.Null(Invite.Parse(without.ToString()).MinRosterVersion);
        Assert.True(Bech32.TryDecode(without.ToString(), out _, out var first) && first[0] == 1);
        Assert.True(Bech32.TryDecode(with.ToString(), out _, out var second) && second[0] == 2);
        Assert.Throws<ArgumentException>(() => new Invite("https://reports.example.org/", Organisation, null, MinRosterVersion: 0).ToString());
    }

    [Fact]
    public void AnySingleCharacterChanged_IsRefused()
    {
        var text = new Invite("https://reports.example.org/", Organisation, "socks5://127.0.0.1:9050/").ToString();
        const string charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

        for (var i = "reportinvite1".Length; i < text.Length; i++)
        {
            var replacement = charset[(charset.IndexOf(text[i]) + 1 + i % 31) % 32];
            var changed = text[..i] + replacement + text[(i + 1)..];
            Assert.Throws<FormatException>(() => Invite.Parse(changed));
        }
        Assert.Throws<FormatException>(() => Invite.Parse(text[..^1]));
        Assert.Throws<FormatException>(() => Invite.Parse(text[..10] + text[11..]));
    }

    [Fact]
    public void AnotherKindOfString_IsRefused_SayingWhat()
    {
        var e = Assert.Throws<FormatException>(() => Invite.Parse(Organisation.ToString()));
        Assert.Contains("reportorg", e.Message);
        Assert.Throws<FormatException>(() => Invite.Parse(""));
        Assert.Throws<FormatException>(() => Invite.Parse("reportinvite1"));
    }

    [Fact]
    public void WellChecksummedButBadlyLaidOut_IsRefused()
    {
        Assert.Throws<FormatException>(() => Invite.Parse(Bech32.Encode("reportinvite", [1, 2, 3])));
        Assert.Throws<FormatException>(() => Invite.Parse(Bech32.Encode("reportinvite", [9, .. Organisation.Bytes, 0, 0])));
        Assert.Throws<FormatException>(() => Invite.Parse(Bech32.Encode("reportinvite", [1, .. Organisation.Bytes, 0, 0])));
        Assert.Throws<FormatException>(() => Invite.Parse(Bech32.Encode("reportinvite", [1, .. Organisation.Bytes, 3, (byte)'a', 10, (byte)'b', 0])));
    }

    [Fact]
    public void Fingerprint_IsFiveGroupsOfFour_AndDiffersBetweenKeys()
    {
        var fingerprint = Fingerprint.Of(Organisation);

        Assert.Matches("^[0-9A-F]{4}(-[0-9A-F]{4}){4}$", fingerprint);
        Assert.NotEqual(fingerprint, Fingerprint.Of(SigningKey.Generate(SigningKeyKind.Organisation).PublicKey));
    }
}
