using System.Net;
using System.Net.Http.Json;
using Reporting.Format.Keys;

namespace Reporting.Server.Tests.Http;

public sealed class MailboxTests : IAsyncLifetime
{
    readonly TestWorld _world = new();
    readonly SigningKey _mailbox = SigningKey.Generate(SigningKeyKind.Mailbox);
    readonly (string Identity, string Recipient) _replyKey = AgeTool.KeyGen();
    RunningServer _server = null!;

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync(_world);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _mailbox.Dispose();
        _world.Dispose();
    }

    string RepliesPath => $"/api/v1/mailboxes/{_mailbox.PublicKey}/replies";

    public sealed record ListedReply(string Id, string Day, long Size);
    public sealed record ReplyList(List<ListedReply> Replies);

    async Task<string> PostReplyAsync(byte[] reply)
    {
        using var response = await _server.SendSignedAsync(_server.ReviewerKey, HttpMethod.Post, RepliesPath, reply);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<RunningServer.IdAnswer>())!.Id;
    }

    [Fact]
    public async Task SourceProvingTheMailboxKey_FetchesTheReplyMeantForIt()
    {
        var reply = AgeTool.Seal("we read your report"u8.ToArray(), [_replyKey.Recipient, _world.Reviewers[0].Recipient]);
        var id = await PostReplyAsync(reply);

        using var list = await _server.SendSignedAsync(_mailbox, HttpMethod.Get, RepliesPath);
        using var fetched = await _server.SendSignedAsync(_mailbox, HttpMethod.Get, $"{RepliesPath}/{id}");
        var bytes = await fetched.Content.ReadAsByteArrayAsync();
        using var deleted = await _server.SendSignedAsync(_mailbox, HttpMethod.Delete, $"{RepliesPath}/{id}");
        using var afterDelete = await _server.SendSignedAsync(_mailbox, HttpMethod.Get, RepliesPath);

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var listed = Assert.Single((await list.Content.ReadFromJsonAsync<ReplyList>())!.Replies);
        Assert.Equal((id, reply.Length), (listed.Id, listed.Size));
        Assert.Equal(reply, bytes);
        Assert.Equal("we read your report"u8.ToArray(), AgeTool.Open(bytes, _replyKey.Identity, _world.Folder));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty((await afterDelete.Content.ReadFromJsonAsync<ReplyList>())!.Replies);
    }

    [Fact]
    public async Task MailboxRequest_WithoutTheMailboxKey_IsRejected()
    {
        var id = await PostReplyAsync(AgeTool.Seal("x"u8.ToArray(), [_replyKey.Recipient]));
        using var otherMailbox = SigningKey.Generate(SigningKeyKind.Mailbox);

        using var unsigned = await _server.Client.GetAsync(RepliesPath);
        using var unsignedFetch = await _server.Client.GetAsync($"{RepliesPath}/{id}");
        using var otherKey = await _server.SendSignedAsync(otherMailbox, HttpMethod.Get, RepliesPath);
        using var reviewerKey = await _server.SendSignedAsync(_server.ReviewerKey, HttpMethod.Get, $"{RepliesPath}/{id}");
        using var otherPath = await _server.SendSignedAsync(otherMailbox, HttpMethod.Get, $"/api/v1/mailboxes/{otherMailbox.PublicKey}/replies/{id}");

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsignedFetch.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, otherKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, reviewerKey.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherPath.StatusCode);
    }

    [Fact]
    public async Task PostingAReply_NeedsARosterAccessKey_AndAnAgeBody()
    {
        var reply = AgeTool.Seal("x"u8.ToArray(), [_replyKey.Recipient]);

        using var bySource = await _server.SendSignedAsync(_mailbox, HttpMethod.Post, RepliesPath, reply);
        using var unsigned = await _server.Client.PostAsync(RepliesPath, new ByteArrayContent(reply));
        using var notAge = await _server.SendSignedAsync(_server.ReviewerKey, HttpMethod.Post, RepliesPath, "plain text answer"u8.ToArray());
        using var badMailbox = await _server.SendSignedAsync(_server.ReviewerKey, HttpMethod.Post, "/api/v1/mailboxes/nonsense/replies", reply);

        Assert.Equal(HttpStatusCode.Unauthorized, bySource.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notAge.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badMailbox.StatusCode);
    }

    [Fact]
    public async Task ReplyBody_SignedDifferentlyFromWhatWasSent_IsRejected()
    {
        var reply = AgeTool.Seal("x"u8.ToArray(), [_replyKey.Recipient]);
        var other = AgeTool.Seal("y"u8.ToArray(), [_replyKey.Recipient]);

        using var response = await _server.SendSignedAsync(_server.ReviewerKey, HttpMethod.Post, RepliesPath, reply,
            tamper: request => request.Content = new ByteArrayContent(other));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
