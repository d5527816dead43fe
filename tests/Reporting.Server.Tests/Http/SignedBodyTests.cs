using System.Net;
using System.Security.Cryptography;
using Reporting.Format.Keys;
using Reporting.Format.Protocol;

namespace Reporting.Server.Tests.Http;

/// <summary>A signed route verifies its signature, over the declared length and body hash, before it reads a byte
/// of the body: a copied access key with a signature over anything else holds nothing, not even for a second.</summary>
public sealed class SignedBodyTests : ServerTest
{
    /// <summary>The refusals here come on the headers alone. A server that waited for the body would wait until Kestrel's
    /// minimum data rate gave up (30 s); this leaves room for a loaded machine and none for that.</summary>
    static readonly TimeSpan OnTheHeaders = TimeSpan.FromSeconds(15);

    readonly SigningKey _mailbox = SigningKey.Generate(SigningKeyKind.Mailbox);

    public override async Task DisposeAsync()
    {
        _mailbox.Dispose();
        await base.DisposeAsync();
    }

    string RepliesPath => Routes.Replies(_mailbox.PublicKey.ToString());

    byte[] Reply(string text) => StockAge.Seal(System.Text.Encoding.UTF8.GetBytes(text), [World.Reviewers[0].Recipient]);

    [Fact]
    public async Task SignedRequest_WithAValidSignatureOverAnotherLength_IsRefusedBeforeItsBodyIsRead()
    {
        var body = Reply("signed for this length");
        var signed = RequestSignature.Sign(Server.ReviewerKey, "POST", RepliesPath, body, World.Clock.GetUtcNow());

        // The head declares a megabyte; the signature is over the real length. No byte of body is ever sent.
        await AssertRefusedOnTheHeadersAsync(Head(signed, 1 << 20));
    }

    [Fact]
    public async Task SignedRequest_WithAValidSignatureOverAnotherBody_IsRefusedBeforeItsBodyIsRead()
    {
        var signedBody = Reply("what the reviewer signed.");
        var sentBody = Reply("what arrives in its place");
        Assert.Equal(signedBody.Length, sentBody.Length);
        var signed = RequestSignature.Sign(Server.ReviewerKey, "POST", RepliesPath, signedBody, World.Clock.GetUtcNow());

        // The head names the hash of the body it will send, which is not the hash that was signed.
        await AssertRefusedOnTheHeadersAsync(Head(signed with { ContentSha256 = Convert.ToHexStringLower(SHA256.HashData(sentBody)) }, sentBody.Length));
    }

    /// <summary>A 401 to <paramref name="head"/> alone (no byte of body is sent), and nothing kept.</summary>
    async Task AssertRefusedOnTheHeadersAsync(string head)
    {
        using var request = await RawRequest.SendHeadAsync(Server.Address, head);
        var (status, after) = await request.ReadStatusAsync(OnTheHeaders);

        Assert.StartsWith("HTTP/1.1 401", status);
        Assert.True(after < OnTheHeaders, $"answered after {after}");
        Assert.Empty(await ListAsync());
    }

    [Fact]
    public async Task JunkSignedReplies_WithACopiedAccessKey_AreRefusedOnTheirHeaders_AndAReviewerStillPosts()
    {
        // The attack of the issue: the access key is public (the roster lists it), the signature is junk, the body
        // a promised megabyte that trickles. Each is refused at once, so none holds a reply slot.
        var junk = RequestSignature.Sign(Server.ReviewerKey, "POST", RepliesPath, [], World.Clock.GetUtcNow()) with
        {
            Signature = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)),
        };
        var requests = new List<RawRequest>();
        try
        {
            for (var i = 0; i < 40; i++)
                requests.Add(await RawRequest.SendHeadAsync(Server.Address, Head(junk with { Nonce = RunningServer.NewIdempotencyKey() }, 1 << 20)));
            var answers = await Task.WhenAll(requests.Select(r => r.ReadStatusAsync(OnTheHeaders)));
            using var honest = await Server.SendSignedAsync(Server.ReviewerKey, HttpMethod.Post, RepliesPath, Reply("an answer"));

            Assert.All(answers, a => Assert.StartsWith("HTTP/1.1 401", a.StatusLine));
            Assert.Equal(HttpStatusCode.Created, honest.StatusCode);
        }
        finally
        {
            foreach (var request in requests)
                request.Dispose();
        }
    }

    [Fact]
    public async Task ChunkedReply_GetsLengthRequired()
    {
        var signed = RequestSignature.Sign(Server.ReviewerKey, "POST", RepliesPath, Reply("chunked"), World.Clock.GetUtcNow());

        using var request = await RawRequest.SendHeadAsync(Server.Address, Head(signed, contentLength: null));
        var (status, _) = await request.ReadStatusAsync(OnTheHeaders);

        Assert.StartsWith("HTTP/1.1 411", status);
    }

    string Head(SignedHeaders signed, long? contentLength) =>
        $"POST {RepliesPath} HTTP/1.1\r\nHost: test\r\nContent-Type: application/octet-stream\r\n" +
        (contentLength is { } length ? $"Content-Length: {length}\r\n" : "Transfer-Encoding: chunked\r\n") +
        $"{RequestSignature.KeyHeader}: {signed.Key}\r\n{RequestSignature.TimestampHeader}: {signed.Timestamp}\r\n" +
        $"{RequestSignature.NonceHeader}: {signed.Nonce}\r\n{RequestSignature.SignatureHeader}: {signed.Signature}\r\n" +
        $"{RequestSignature.ContentSha256Header}: {signed.ContentSha256}";

    async Task<IReadOnlyList<ListedReply>> ListAsync()
    {
        using var response = await Server.SendSignedAsync(_mailbox, HttpMethod.Get, RepliesPath);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<ReplyList>(response.Content))!.Replies;
    }
}
