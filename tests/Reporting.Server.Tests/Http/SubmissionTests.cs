using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Reporting.Server.Storage;
using Reporting.Server.Storage.Sqlite;
using Reporting.Format.Protocol;

namespace Reporting.Server.Tests.Http;

public sealed class SubmissionTests : ServerTest
{

    byte[] RealEnvelope(string text = "a report") => Server.SealForRoster(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task Challenge_IsATokenWithTheConfiguredDifficulty()
    {
        var challenge = await Server.GetChallengeAsync();

        Assert.Equal(6, challenge.Difficulty);
        Assert.Equal(300, challenge.ExpiresIn);
        Assert.InRange(challenge.Challenge.Length, 40, 512);
    }

    [Fact]
    public async Task Submit_ValidEnvelope_Returns201WithARandomId_AndIsListedWithDayOnly()
    {
        var envelope = RealEnvelope();

        var id = await Server.SubmitOkAsync(envelope);

        Assert.True(RandomId.IsValid(id));
        var listed = Assert.Single(await Server.ListReportsAsync());
        Assert.Equal(new ListedReport(id, World.Clock.Today.ToString("yyyy-MM-dd"), envelope.Length, 1), listed);
        Assert.Equal(envelope, await Server.DownloadAsync(id));
    }

    [Fact]
    public async Task Submit_WithoutProofOfWork_IsRejected()
    {
        using var response = await Server.SubmitAsync(RealEnvelope(), withPow: false);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(await Server.ListReportsAsync());
    }

    [Fact]
    public async Task Submit_WithUnsolvedOrForgedProofOfWork_IsRejected()
    {
        var challenge = await Server.GetChallengeAsync();
        var unsolved = Enumerable.Range(0, 200).Select(n => (ulong)n)
            .First(n => !Reporting.Format.Protocol.ProofOfWork.IsSolved(Encoding.ASCII.GetBytes(challenge.Challenge), n, challenge.Difficulty));
        using var wrongNonce = await Server.SubmitAsync(RealEnvelope(), pow: $"{challenge.Challenge}:{unsolved}");
        using var forged = await Server.SubmitAsync(RealEnvelope(), pow: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA:1");

        Assert.Equal(HttpStatusCode.Forbidden, wrongNonce.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
    }

    [Fact]
    public async Task Submit_WithSpentToken_IsRejected()
    {
        var pow = await Server.SolvedPowAsync();
        using var first = await Server.SubmitAsync(RealEnvelope(), pow);

        using var second = await Server.SubmitAsync(RealEnvelope(), pow);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, second.StatusCode);
        Assert.Single(await Server.ListReportsAsync());
    }

    [Fact]
    public async Task Submit_RefusedUpload_SpendsItsToken_SoOneSolutionBuysOneAttempt()
    {
        var pow = await Server.SolvedPowAsync();
        var toOneReviewer = StockAge.Seal("a"u8.ToArray(), [World.Reviewers[0].Recipient]);

        using var refused = await Server.SubmitAsync(toOneReviewer, pow);
        using var again = await Server.SubmitAsync(RealEnvelope(), pow);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
        Assert.Empty(await Server.ListReportsAsync());
    }

    [Fact]
    public async Task Submit_WithATokenWhoseUploadIsStillRunning_IsRejected()
    {
        var pow = await Server.SolvedPowAsync();
        var envelope = RealEnvelope();
        var release = new TaskCompletionSource();
        // The first upload sends half its body, then waits: its token is held, not yet spent.
        var slow = new HttpRequestMessage(HttpMethod.Post, Routes.Reports) { Content = new StalledContent(envelope, release.Task) };
        slow.Content.Headers.ContentType = new("application/octet-stream");
        slow.Content.Headers.ContentLength = envelope.Length;
        slow.Headers.Add(SubmissionHeaders.Pow, pow);
        slow.Headers.Add(SubmissionHeaders.RosterVersion, World.RosterVersion.ToString());
        slow.Headers.Add(SubmissionHeaders.IdempotencyKey, RunningServer.NewIdempotencyKey());
        var first = Server.Client.SendAsync(slow);
        await Task.Delay(500);

        using var second = await Server.SubmitAsync(RealEnvelope(), pow);
        release.SetResult();
        using var firstResponse = await first;

        Assert.Equal(HttpStatusCode.Forbidden, second.StatusCode);
        Assert.Equal(HttpStatusCode.Created, firstResponse.StatusCode);
        Assert.Single(await Server.ListReportsAsync());
    }

    /// <summary>Sends the first half of a body, then the rest once <c>release</c> completes.</summary>
    sealed class StalledContent(byte[] body, Task release) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, body.Length / 2));
            await stream.FlushAsync();
            await release;
            await stream.WriteAsync(body.AsMemory(body.Length / 2));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }

    [Fact]
    public async Task Submit_WhenTheDiskWouldFallBelowItsReserve_IsRefusedBeforeTheBody_AndTheTokenStaysUsable()
    {
        // A reserve larger than any disk: every upload would eat into it.
        await using var full = await RunningServer.StartAsync(World, settings => settings["Reporting:MinFreeBytes"] = (long.MaxValue / 4).ToString());
        var pow = await full.SolvedPowAsync();

        using var refused = await full.SubmitAsync(RealEnvelope(), pow);
        using var withRoom = await Server.SubmitAsync(RealEnvelope(), pow);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Created, withRoom.StatusCode);
    }

    [Fact]
    public async Task Submit_WithExpiredToken_IsRejected()
    {
        var pow = await Server.SolvedPowAsync();
        World.Clock.Advance(TimeSpan.FromMinutes(6));

        using var response = await Server.SubmitAsync(RealEnvelope(), pow);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Submit_WithWrongStanzaCount_IsRejected()
    {
        var toOneReviewer = StockAge.Seal("a"u8.ToArray(), [World.Reviewers[0].Recipient]);
        var toAnExtraRecipient = StockAge.Seal("a"u8.ToArray(), [.. World.Reviewers.Select(r => r.Recipient), StockAge.KeyGen().Recipient]);

        using var tooFew = await Server.SubmitAsync(toOneReviewer);
        using var tooMany = await Server.SubmitAsync(toAnExtraRecipient);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooFew.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooMany.StatusCode);
        Assert.Empty(await Server.ListReportsAsync());
    }

    [Fact]
    public async Task Submit_WithScryptStanza_IsRejected()
    {
        // Right count, but one recipient is a passphrase: a seized server could brute-force it.
        var envelope = Envelopes.Handmade([Envelopes.X25519Stanza(), Envelopes.ScryptStanza()]);

        using var response = await Server.SubmitAsync(envelope);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Empty(await Server.ListReportsAsync());
    }

    [Fact]
    public async Task Submit_HandmadeX25519Envelope_OfPossibleLength_IsAccepted()
    {
        // The counterpart of the rejections above: the checks are about shape, not about who made it.
        using var response = await Server.SubmitAsync(Envelopes.Handmade([Envelopes.X25519Stanza(), Envelopes.X25519Stanza()]));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("not an age file at all")]
    [InlineData("age-encryption.org/v1\n-> X25519 abc\n")]
    [InlineData("-----BEGIN AGE ENCRYPTED FILE-----\nYWdlLWVuY3J5cHRpb24ub3JnL3YxCg==\n-----END AGE ENCRYPTED FILE-----\n")]
    public async Task Submit_NotABinaryAgeFile_IsRejected(string body)
    {
        using var response = await Server.SubmitAsync(Encoding.ASCII.GetBytes(body));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Submit_WithPayloadCutInsideAChunk_IsRejected()
    {
        // A full 64 KiB chunk and a final one of 100 bytes + 16 tag; cut so that 6 bytes of it remain:
        // too short even for a tag. (A cut exactly at a chunk boundary cannot be seen without a key.)
        var envelope = RealEnvelope(new string('x', 65_536 + 100));

        using var response = await Server.SubmitAsync(envelope[..^110]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Theory]
    [InlineData(100_000)] // held in memory while it arrives
    [InlineData(400_000)] // received into a place of the ciphertext volume while it arrives
    public async Task Submit_TruncatedBody_IsRejected_AndNothingIsListed_NorLeftInTheVolume(int size)
    {
        var envelope = RealEnvelope(new string('x', size));
        using var socket = await SendRawHeadAsync(envelope.Length);

        await socket.SendAsync(envelope.AsMemory(0, envelope.Length / 2));
        socket.Shutdown(SocketShutdown.Send);
        var answer = await RawHttp.ReadAllAsync(socket);

        // The client hung up mid-body: it gets a 400 if it still listens, or nothing; nothing is kept.
        Assert.True(answer == "" || answer.StartsWith("HTTP/1.1 400", StringComparison.Ordinal), answer);
        Assert.Empty(await Server.ListReportsAsync());
        // Kestrel may close the connection before the handler has erased the half-received body: give it a moment.
        var volume = Path.Combine(World.DataDir, CiphertextVolume.FileName);
        for (var i = 0; i < 50 && FileBlocks.AllocatedBytes(volume) > 0; i++)
            await Task.Delay(100);
        Assert.Equal(0, FileBlocks.AllocatedBytes(volume));
        // No file was made for it (a file made and deleted would leave its times in the inode table).
        var incoming = Path.Combine(World.DataDir, DataFolder.IncomingFolder);
        Assert.True(!Directory.Exists(incoming) || !Directory.EnumerateFiles(incoming).Any());
    }

    [Fact]
    public async Task Submit_OversizedBody_IsRejected_BeforeItsBody()
    {
        // Declared too large: refused on the headers alone, before a byte of body is read. (A body without a declared
        // length gets 411: UploadDeadlineTests.ChunkedUpload_GetsLengthRequired.)
        using var socket = await SendRawHeadAsync((4 << 20) + 1);
        var declared = await ReadStatusLineAsync(socket);

        Assert.StartsWith("HTTP/1.1 413", declared);
        Assert.Empty(await Server.ListReportsAsync());
    }

    /// <summary>A raw connection that has sent a valid submission's headers and no body yet.</summary>
    async Task<Socket> SendRawHeadAsync(long contentLength)
    {
        var head = Encoding.ASCII.GetBytes(
            $"POST {Routes.Reports} HTTP/1.1\r\nHost: test\r\nContent-Type: application/octet-stream\r\n" +
            $"{SubmissionHeaders.Pow}: {await Server.SolvedPowAsync(contentLength)}\r\n{SubmissionHeaders.RosterVersion}: 1\r\n" +
            $"{SubmissionHeaders.IdempotencyKey}: {RunningServer.NewIdempotencyKey()}\r\nContent-Length: {contentLength}\r\n\r\n");
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(Server.Address.Host, Server.Address.Port);
        await socket.SendAsync(head);
        return socket;
    }

    static async Task<string> ReadStatusLineAsync(Socket socket)
    {
        var buffer = new byte[1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    [Fact]
    public async Task Submit_RetriedWithTheSameIdempotencyKey_StoresOnce_AndAnswersTheSameId()
    {
        var envelope = RealEnvelope();
        var key = RunningServer.NewIdempotencyKey();

        using var first = await Server.SubmitAsync(envelope, idempotencyKey: key);
        using var retry = await Server.SubmitAsync(envelope, idempotencyKey: key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        var firstId = (await first.Content.ReadFromJsonAsync<SubmittedReport>())!.Id;
        Assert.Equal(firstId, (await retry.Content.ReadFromJsonAsync<SubmittedReport>())!.Id);
        Assert.Equal([firstId], (await Server.ListReportsAsync()).Select(r => r.Id));
    }

    [Fact]
    public async Task Submit_WithoutIdempotencyKeyOrRosterVersion_IsRejected()
    {
        var missingKey = new HttpRequestMessage(HttpMethod.Post, Routes.Reports) { Content = new ByteArrayContent(RealEnvelope()) };
        missingKey.Headers.Add(SubmissionHeaders.Pow, await Server.SolvedPowAsync());
        missingKey.Headers.Add(SubmissionHeaders.RosterVersion, "1");

        using var noKey = await Server.Client.SendAsync(missingKey);
        using var shortKey = await Server.SubmitAsync(RealEnvelope(), idempotencyKey: "short");

        Assert.Equal(HttpStatusCode.BadRequest, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, shortKey.StatusCode);
    }

    [Fact]
    public async Task Submit_ForAnUnknownRosterVersion_IsRejected()
    {
        using var response = await Server.SubmitAsync(RealEnvelope(), rosterVersion: 9);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task Submit_ForAnEarlierRosterVersion_IsAcceptedDuringTheGracePeriodOnly()
    {
        var sealedToV1 = RealEnvelope();
        var third = TestReviewer.FromStockAge("reviewer3");
        World.SignRoster(version: 2, [.. World.Reviewers, third]);
        await RestartAsync();
        var sealedToV2 = StockAge.Seal("b"u8.ToArray(), [.. World.Reviewers.Select(r => r.Recipient), third.Recipient]);

        using var withinGrace = await Server.SubmitAsync(sealedToV1, rosterVersion: 1);
        using var current = await Server.SubmitAsync(sealedToV2, rosterVersion: 2);
        World.Clock.Advance(TimeSpan.FromDays(31));
        using var afterGrace = await Server.SubmitAsync(sealedToV1, rosterVersion: 1);

        Assert.Equal(HttpStatusCode.Created, withinGrace.StatusCode);
        Assert.Equal(HttpStatusCode.Created, current.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, afterGrace.StatusCode);
        third.AccessKey.Dispose();
    }

    /// <summary>The server may answer and close before the client has sent everything; either outcome
    /// (a 413, or the connection closed on the sender) is a refusal.</summary>
    async Task<HttpResponseMessage?> SendTolerantlyAsync(HttpRequestMessage request)
    {
        try
        {
            return await Server.Client.SendAsync(request);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
