using System.Net;
using Reporting.Format.Keys;
using Reporting.Format.Protocol;

namespace Reporting.Server.Tests.Http;

public sealed class ReviewerTests : ServerTest
{

    [Fact]
    public async Task Reviewer_ListsDownloadsAndDeletes()
    {
        var envelope = Server.SealForRoster("report"u8.ToArray());
        var id = await Server.SubmitOkAsync(envelope);

        Assert.Equal(envelope, await Server.DownloadAsync(id));
        using var deleted = await Server.SendSignedAsync(World.Reviewers[1].AccessKey, HttpMethod.Delete, Routes.Report(id));
        using var again = await Server.SendSignedAsync(Server.ReviewerKey, HttpMethod.Get, Routes.Report(id));

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Empty(await Server.ListReportsAsync());
    }

    [Fact]
    public async Task Download_OfAnUnknownOrMalformedId_IsNotFound()
    {
        using var unknown = await Server.SendSignedAsync(Server.ReviewerKey, HttpMethod.Get, Routes.Report(Reporting.Server.Storage.RandomId.New()));
        using var malformed = await Server.SendSignedAsync(Server.ReviewerKey, HttpMethod.Get, Routes.Report("..%2f..%2fetc"));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, malformed.StatusCode);
    }

    [Fact]
    public async Task Request_WithBadSignature_IsRejected()
    {
        using var response = await Server.SendSignedAsync(Server.ReviewerKey, HttpMethod.Get, Routes.Reports, tamper: request =>
        {
            var signature = Convert.FromBase64String(request.Headers.GetValues(RequestSignature.SignatureHeader).Single());
            signature[10] ^= 1;
            request.Headers.Remove(RequestSignature.SignatureHeader);
            request.Headers.Add(RequestSignature.SignatureHeader, Convert.ToBase64String(signature));
        });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Request_SignedForAnotherPath_IsRejected()
    {
        var id = await Server.SubmitOkAsync(Server.SealForRoster("x"u8.ToArray()));
        // A captured "list" signature replayed against "delete this report".
        var signed = RequestSignature.Sign(Server.ReviewerKey, "GET", Routes.Reports, [], World.Clock.GetUtcNow());

        using var response = await SendAsync(HttpMethod.Delete, Routes.Report(id), signed);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Single(await Server.ListReportsAsync());
    }

    [Fact]
    public async Task Request_Replayed_IsRejected()
    {
        var signed = RequestSignature.Sign(Server.ReviewerKey, "GET", Routes.Reports, [], World.Clock.GetUtcNow());

        using var first = await SendAsync(HttpMethod.Get, Routes.Reports, signed);
        using var replay = await SendAsync(HttpMethod.Get, Routes.Reports, signed);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
    }

    [Fact]
    public async Task Request_WithStaleTimestamp_IsRejected()
    {
        using var response = await Server.SendSignedAsync(Server.ReviewerKey, HttpMethod.Get, Routes.Reports,
            at: World.Clock.GetUtcNow() - TimeSpan.FromMinutes(6));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Request_WithUnknownAccessKey_IsRejected()
    {
        using var stranger = SigningKey.Generate(SigningKeyKind.Access);
        using var mailbox = SigningKey.Generate(SigningKeyKind.Mailbox);

        using var unknown = await Server.SendSignedAsync(stranger, HttpMethod.Get, Routes.Reports);
        using var wrongKind = await Server.SendSignedAsync(mailbox, HttpMethod.Get, Routes.Reports);
        using var unsigned = await Server.Client.GetAsync(Routes.Reports);

        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKind.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
    }

    [Fact]
    public async Task Reviewer_RemovedFromTheRoster_LosesAccessAtRestart()
    {
        World.SignRoster(version: 2, [World.Reviewers[1]]);
        await RestartAsync();

        using var removed = await Server.SendSignedAsync(World.Reviewers[0].AccessKey, HttpMethod.Get, Routes.Reports);
        using var kept = await Server.SendSignedAsync(World.Reviewers[1].AccessKey, HttpMethod.Get, Routes.Reports);

        Assert.Equal(HttpStatusCode.Unauthorized, removed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
    }

    [Fact]
    public async Task RosterFile_ReplacedWhileRunning_IsServedWithoutARestart_AndABadOneIsRefused()
    {
        await RestartAsync(settings => settings["Reporting:RosterCheckSeconds"] = "1");
        World.SignRoster(version: 2, [World.Reviewers[1]]);
        var signedV2 = await File.ReadAllBytesAsync(World.RosterFile);

        // The removed reviewer loses access within a few checks, with no restart.
        await WaitUntilAsync(async () =>
        {
            using var removed = await Server.SendSignedAsync(World.Reviewers[0].AccessKey, HttpMethod.Get, Routes.Reports);
            return removed.StatusCode == HttpStatusCode.Unauthorized;
        });
        Assert.Equal(signedV2, await Server.Client.GetByteArrayAsync(Routes.Roster));

        // A file signed by someone else is refused; version 2 stays in force.
        using (var stranger = SigningKey.Generate(SigningKeyKind.Organisation))
            World.SignRoster(version: 3, World.Reviewers, stranger);
        await WaitUntilAsync(() => Task.FromResult(Server.Logs.All.Contains("roster file was refused", StringComparison.Ordinal)));
        Assert.Equal(signedV2, await Server.Client.GetByteArrayAsync(Routes.Roster));
        using var kept = await Server.SendSignedAsync(World.Reviewers[1].AccessKey, HttpMethod.Get, Routes.Reports);
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
    }

    static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await condition())
                return;
            await Task.Delay(100);
        }
        Assert.Fail("the server did not pick up the roster file within 10 seconds");
    }

    Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, SignedHeaders signed)
    {
        var request = new HttpRequestMessage(method, path);
        RequestSignature.Attach(request, signed);
        return Server.Client.SendAsync(request);
    }
}
