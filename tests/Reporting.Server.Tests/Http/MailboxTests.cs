using System.Net;
using System.Net.Http.Json;
using Reporting.Format.Keys;
using Reporting.Format.Protocol;

namespace Reporting.Server.Tests.Http;

public sealed class MailboxTests : ServerTest
{
    readonly SigningKey _mailbox = SigningKey.Generate(SigningKeyKind.Mailbox);
    readonly (string Identity, string Recipient) _replyKey = StockAge.KeyGen();

    public override async Task DisposeAsync()
    {
        _mailbox.Dispose();
        await base.DisposeAsync();
    }

    string RepliesPath => Routes.Replies(_mailbox.PublicKey.ToString());

    async Task<string> PostReplyAsync(byte[] reply)
    {
        using var response = await Server.SendSignedAsync(Server.ReviewerKey, HttpMethod.Post, RepliesPath, reply);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<PostedReply>())!.Id;
    }

    [Fact]
    public async Task SourceProvingTheMailboxKey_FetchesTheReplyMeantForIt()
    {
        var reply = StockAge.Seal("we read your report"u8.ToArray(), [_replyKey.Recipient, World.Reviewers[0].Recipient]);
        var id = await PostReplyAsync(reply);

        using var list = await Server.SendSignedAsync(_mailbox, HttpMethod.Get, RepliesPath);
        using var fetched = await Server.SendSignedAsync(_mailbox, HttpMethod.Get, $"{RepliesPath}/{id}");
        var bytes = await fetched.Content.ReadAsByteArrayAsync();
        using var deleted = await Server.SendSignedAsync(_mailbox, HttpMethod.Delete, $"{RepliesPath}/{id}");
        using var afterDelete = await Server.SendSignedAsync(_mailbox, HttpMethod.Get, RepliesPath);

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var listed = Assert.Single((await list.Content.ReadFromJsonAsync<ReplyList>())!.Replies);
        Assert.Equal((id, reply.Length), (listed.Id, listed.Size));
        Assert.Equal(reply, bytes);
        Assert.Equal("we read your report"u8.ToArray(), StockAge.Open(bytes, _replyKey.Identity));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty((await afterDelete.Content.ReadFromJsonAsync<ReplyList>())!.Replies);
    }

    [Fact]
    public async Task MailboxRequest_WithoutTheMailboxKey_IsRejected()
    {
        var id = await PostReplyAsync(StockAge.Seal("x"u8.ToArray(), [_replyKey.Recipient]));
        using var otherMailbox = SigningKey.Generate(SigningKeyKind.Mailbox);

        using var unsigned = await Server.Client.GetAsync(RepliesPath);
        using var unsignedFetch = await Server.Client.GetAsync($"{RepliesPath}/{id}");
        using var otherKey = await Server.SendSignedAsync(otherMailbox, HttpMethod.Get, RepliesPath);
        using var reviewerKey = await Server.SendSignedAsync(Server.ReviewerKey, HttpMethod.Get, $"{RepliesPath}/{id}");
        using var otherPath = await Server.SendSignedAsync(otherMailbox, HttpMethod.Get, Routes.Reply(otherMailbox.PublicKey.ToString(), id));

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsignedFetch.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, otherKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, reviewerKey.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherPath.StatusCode);
    }

    [Fact]
    public async Task PostingAReply_NeedsARosterAccessKey_AndAnAgeBody()
    {
        var reply = StockAge.Seal("x"u8.ToArray(), [_replyKey.Recipient]);

        using var bySource = await Server.SendSignedAsync(_mailbox, HttpMethod.Post, RepliesPath, reply);
        using var unsigned = await Server.Client.PostAsync(RepliesPath, new ByteArrayContent(reply));
        using var notAge = await Server.SendSignedAsync(Server.ReviewerKey, HttpMethod.Post, RepliesPath, "plain text answer"u8.ToArray());
        using var badMailbox = await Server.SendSignedAsync(Server.ReviewerKey, HttpMethod.Post, Routes.Replies("nonsense"), reply);

        Assert.Equal(HttpStatusCode.Unauthorized, bySource.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notAge.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badMailbox.StatusCode);
    }

    [Fact]
    public async Task ReplyBody_SignedDifferentlyFromWhatWasSent_IsRejected()
    {
        var reply = StockAge.Seal("x"u8.ToArray(), [_replyKey.Recipient]);
        var other = StockAge.Seal("y"u8.ToArray(), [_replyKey.Recipient]);

        using var response = await Server.SendSignedAsync(Server.ReviewerKey, HttpMethod.Post, RepliesPath, reply,
            tamper: request => request.Content = new ByteArrayContent(other));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
