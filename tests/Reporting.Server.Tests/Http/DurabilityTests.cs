using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Reporting.Format.Keys;
using Reporting.Format.Protocol;
using Reporting.Server.Storage;

namespace Reporting.Server.Tests.Http;

public sealed class DurabilityTests : ServerTest
{

    [Fact]
    public async Task RestartBetweenSubmitAndFetch_LosesNothing()
    {
        var envelopes = Enumerable.Range(0, 3).Select(i => Server.SealForRoster(Encoding.UTF8.GetBytes(new string('r', 100_000 * i + 1)))).ToList();
        var ids = new List<string>();
        foreach (var envelope in envelopes)
            ids.Add(await Server.SubmitOkAsync(envelope));
        var pow = await Server.SolvedPowAsync();

        await RestartAsync();

        Assert.Equal(ids.Order(), (await Server.ListReportsAsync()).Select(r => r.Id).Order());
        for (var i = 0; i < ids.Count; i++)
            Assert.Equal(envelopes[i], await Server.DownloadAsync(ids[i]));
        // The key ring survived too: a challenge issued before the restart is still good.
        using var afterRestart = await Server.SubmitAsync(Server.SealForRoster("x"u8.ToArray()), pow);
        Assert.Equal(HttpStatusCode.Created, afterRestart.StatusCode);
    }

    [Fact]
    public async Task AfterAFullFlow_NoPlaintextNoClientAddressNoKeysInDataOrLogs()
    {
        var canary = "CANARY-report-text-5b1d3e Jilin 병원 医院";
        var replyCanary = "CANARY-reply-text-9c2a77";
        using var mailbox = SigningKey.Generate(SigningKeyKind.Mailbox);
        var replyKey = StockAge.KeyGen();

        // Source submits; reviewer lists, downloads, opens offline, replies; source fetches the reply.
        var id = await Server.SubmitOkAsync(Server.SealForRoster(Encoding.UTF8.GetBytes(canary)));
        var downloaded = await Server.DownloadAsync(id);
        Assert.Equal(canary, Encoding.UTF8.GetString(StockAge.Open(downloaded, World.Reviewers[1])));
        var repliesPath = Routes.Replies(mailbox.PublicKey.ToString());
        using var posted = await Server.SendSignedAsync(Server.ReviewerKey, HttpMethod.Post, repliesPath,
            StockAge.Seal(Encoding.UTF8.GetBytes(replyCanary), [replyKey.Recipient]));
        var replyId = (await posted.Content.ReadFromJsonAsync<PostedReply>())!.Id;
        using var fetched = await Server.SendSignedAsync(mailbox, HttpMethod.Get, $"{repliesPath}/{replyId}");
        Assert.Equal(replyCanary, Encoding.UTF8.GetString(StockAge.Open(await fetched.Content.ReadAsByteArrayAsync(), replyKey.Identity)));
        await RestartAsync();

        string[] secrets = [canary, replyCanary, RunningServer.ClientAddress.ToString(), "Jilin"];
        foreach (var secret in secrets)
            Assert.False(TempFolder.AnyFileContains(World.DataDir, Encoding.UTF8.GetBytes(secret)), $"'{secret}' found in the data folder");
        string[] notInLogs = [.. secrets, id, replyId, mailbox.PublicKey.ToString(), Server.ReviewerKey.PublicKey.ToString(), SubmissionHeaders.Pow, Routes.Api + "/"];
        foreach (var secret in notInLogs)
            Assert.DoesNotContain(secret, Server.Logs.All);
    }

    [Fact]
    public async Task Retention_DeletesExpiredReports_AndTheirBytes()
    {
        var envelope = Server.SealForRoster("old report"u8.ToArray());
        var id = await Server.SubmitOkAsync(envelope);
        var marker = envelope[^64..];

        World.Clock.Advance(TimeSpan.FromDays(89));
        var early = await Server.App.Services.GetRequiredService<Retention>().RunOnceAsync();
        World.Clock.Advance(TimeSpan.FromDays(1));
        var due = await Server.App.Services.GetRequiredService<Retention>().RunOnceAsync();

        Assert.Equal(0, early);
        Assert.Equal(1, due);
        Assert.DoesNotContain(id, (await Server.ListReportsAsync()).Select(r => r.Id));
        Assert.False(TempFolder.AnyFileContains(World.DataDir, marker));
    }

    [Fact]
    public async Task StoredMetadata_HoldsTheDayButNoTime()
    {
        await Server.SubmitOkAsync(Server.SealForRoster("x"u8.ToArray()));
        var now = World.Clock.GetUtcNow().UtcDateTime;

        // The hour and minute of arrival, written any usual way, appear in no column of the database.
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(World.DataDir, "reports.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var dump = connection.CreateCommand();
        dump.CommandText = "SELECT id || day || size || roster_version || expires FROM reports UNION ALL SELECT token_id || expires FROM spent_tokens UNION ALL SELECT hex(key_hash) || report_id || day FROM idempotency";
        using var reader = dump.ExecuteReader();
        while (reader.Read())
        {
            var row = reader.GetString(0);
            Assert.DoesNotContain(now.ToString("HH:mm"), row);
            Assert.DoesNotContain(((DateTimeOffset)now).ToUnixTimeSeconds().ToString()[..7], row);
        }
    }
}
