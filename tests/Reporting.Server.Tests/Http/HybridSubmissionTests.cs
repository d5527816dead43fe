using System.Net;
using System.Text;
using Reporting.Format.Age;
using Reporting.Format.Keys;
using Reporting.Format.Protocol;

namespace Reporting.Server.Tests.Http;

/// <summary>The shape check on a post-quantum roster (docs/DESIGN.md D1, D6): one mlkem768x25519 stanza per
/// reviewer, and nothing classic beside or instead of them, so a downgraded envelope is never kept.</summary>
public sealed class HybridSubmissionTests() : ServerTest(KeyKind.Hybrid)
{
    [Fact]
    public async Task HybridEnvelope_ForAHybridRoster_IsKept_AndHoldsNoX25519Stanza()
    {
        var envelope = Server.SealForRoster("a report"u8.ToArray());

        var id = await Server.SubmitOkAsync(envelope);

        var stored = await Server.DownloadAsync(id);
        var header = AgeHeader.Parse(new MemoryStream(stored));
        Assert.Equal(World.Reviewers.Count, header.Stanzas.Count);
        Assert.All(header.Stanzas, s => Assert.Equal("mlkem768x25519", s.Type));
        Assert.Equal("a report"u8.ToArray(), AgeInMemory.Open(stored, [World.Reviewers[1].Identity], parallel: false));
    }

    [Fact]
    public async Task ClassicEnvelope_ForAHybridRoster_IsRefused_EvenWithOneStanzaPerReviewer()
    {
        // A downgrade: right count, well-formed, but X25519, which a quantum computer opens later.
        using var downgraded = await Server.SubmitAsync(Envelopes.Handmade([Envelopes.X25519Stanza(), Envelopes.X25519Stanza()]));
        using var mixed = await Server.SubmitAsync(Envelopes.Handmade([Envelopes.HybridStanza(), Envelopes.X25519Stanza()]));
        using var tooFew = await Server.SubmitAsync(Envelopes.Handmade([Envelopes.HybridStanza()]));
        using var handmade = await Server.SubmitAsync(Envelopes.Handmade([Envelopes.HybridStanza(), Envelopes.HybridStanza()]));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, downgraded.StatusCode);
        Assert.Contains("roster's kind", await downgraded.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, mixed.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooFew.StatusCode);
        Assert.Equal(HttpStatusCode.Created, handmade.StatusCode);
        Assert.Single(await Server.ListReportsAsync());
    }

    [Fact]
    public async Task MovingFromClassicToHybrid_IsANewRosterVersion_AndTheOldOneStaysAcceptedForItsGrace()
    {
        // Version 2 goes back to classic reviewers, then version 3 is hybrid again: each version is held to its own kind.
        using var classic = TestReviewer.FromStockAge("classic1");
        World.SignRoster(version: 2, [classic]);
        await RestartAsync();
        using var hybrid = TestReviewer.Generate("hybrid1", KeyKind.Hybrid);
        World.SignRoster(version: 3, [hybrid]);
        await RestartAsync();

        using var oldKind = await Server.SubmitAsync(StockAge.Seal([1], [classic.Recipient]), rosterVersion: 2);
        using var classicForNew = await Server.SubmitAsync(StockAge.Seal([2], [classic.Recipient]), rosterVersion: 3);
        using var hybridForNew = await Server.SubmitAsync(AgeInMemory.Seal([3], [hybrid.Identity.Recipient], armor: false, parallel: false), rosterVersion: 3);

        Assert.Equal(HttpStatusCode.Created, oldKind.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, classicForNew.StatusCode);
        Assert.Equal(HttpStatusCode.Created, hybridForNew.StatusCode);
    }

    [Fact]
    public async Task Reply_IsOfOneKind_EitherKind()
    {
        using var mailbox = SigningKey.Generate(SigningKeyKind.Mailbox);
        var path = Routes.Replies(mailbox.PublicKey.ToString());
        using var source = HybridIdentity.Generate();
        var hybridReply = AgeInMemory.Seal("we read it"u8.ToArray(), [source.Recipient, World.Reviewers[0].Identity.Recipient], armor: false, parallel: false);

        using var hybrid = await Server.SendSignedAsync(Server.ReviewerKey, HttpMethod.Post, path, hybridReply);
        using var classic = await Server.SendSignedAsync(Server.ReviewerKey, HttpMethod.Post, path, StockAge.Seal([1], [StockAge.KeyGen().Recipient]));
        using var mixed = await Server.SendSignedAsync(Server.ReviewerKey, HttpMethod.Post, path,
            Envelopes.Handmade([Envelopes.HybridStanza(), Envelopes.X25519Stanza()]));

        Assert.Equal(HttpStatusCode.Created, hybrid.StatusCode);
        Assert.Equal(HttpStatusCode.Created, classic.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, mixed.StatusCode);
    }
}

/// <summary>Header limits: 32 post-quantum reviewers (about 1.6 KB of header each) fit.</summary>
public sealed class LargeHybridRosterTests() : ServerTest(KeyKind.Hybrid, reviewers: 32)
{
    [Fact]
    public async Task EnvelopeTo32HybridReviewers_IsAccepted()
    {
        var envelope = Server.SealForRoster(Encoding.UTF8.GetBytes("a report for a large team"));

        var id = await Server.SubmitOkAsync(envelope);

        Assert.InRange(AgeHeaderLength(envelope), 32 * 1500, 64 << 10);
        Assert.Equal(envelope, await Server.DownloadAsync(id));
    }

    static long AgeHeaderLength(byte[] envelope)
    {
        var stream = new MemoryStream(envelope);
        AgeHeader.Parse(stream);
        return stream.Position;
    }
}
