using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Reporting.Format.Keys;
using Reporting.Server.Storage;

namespace Reporting.Server.Tests.Http;

public sealed class DurabilityTests : IAsyncLifetime
{
    readonly TestWorld _world = new();
    RunningServer _server = null!;

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync(_world);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _world.Dispose();
    }

    [Fact]
    public async Task RestartBetweenSubmitAndFetch_LosesNothing()
    {
        var envelopes = Enumerable.Range(0, 3).Select(i => _server.SealForRoster(Encoding.UTF8.GetBytes(new string('r', 100_000 * i + 1)))).ToList();
        var ids = new List<string>();
        foreach (var envelope in envelopes)
            ids.Add(await _server.SubmitOkAsync(envelope));
        var pow = await _server.SolvedPowAsync();

        await _server.DisposeAsync();
        _server = await RunningServer.StartAsync(_world);

        Assert.Equal(ids.Order(), (await _server.ListReportsAsync()).Select(r => r.Id).Order());
        for (var i = 0; i < ids.Count; i++)
            Assert.Equal(envelopes[i], await _server.DownloadAsync(ids[i]));
        // The key ring survived too: a challenge issued before the restart is still good.
        using var afterRestart = await _server.SubmitAsync(_server.SealForRoster("x"u8.ToArray()), pow);
        Assert.Equal(HttpStatusCode.Created, afterRestart.StatusCode);
    }

    [Fact]
    public async Task AfterAFullFlow_NoPlaintextNoClientAddressNoKeysInDataOrLogs()
    {
        var canary = "CANARY-report-text-5b1d3e Jilin 병원 医院";
        var replyCanary = "CANARY-reply-text-9c2a77";
        using var mailbox = SigningKey.Generate(SigningKeyKind.Mailbox);
        var replyKey = AgeTool.KeyGen();

        // Source submits; reviewer lists, downloads, opens offline, replies; source fetches the reply.
        var id = await _server.SubmitOkAsync(_server.SealForRoster(Encoding.UTF8.GetBytes(canary)));
        var downloaded = await _server.DownloadAsync(id);
        Assert.Equal(canary, Encoding.UTF8.GetString(AgeTool.Open(downloaded, _world.Reviewers[1].Identity, _world.Folder)));
        var repliesPath = $"/api/v1/mailboxes/{mailbox.PublicKey}/replies";
        using var posted = await _server.SendSignedAsync(_server.ReviewerKey, HttpMethod.Post, repliesPath,
            AgeTool.Seal(Encoding.UTF8.GetBytes(replyCanary), [replyKey.Recipient]));
        var replyId = (await posted.Content.ReadFromJsonAsync<RunningServer.IdAnswer>())!.Id;
        using var fetched = await _server.SendSignedAsync(mailbox, HttpMethod.Get, $"{repliesPath}/{replyId}");
        Assert.Equal(replyCanary, Encoding.UTF8.GetString(AgeTool.Open(await fetched.Content.ReadAsByteArrayAsync(), replyKey.Identity, _world.Folder)));
        await _server.DisposeAsync();
        _server = await RunningServer.StartAsync(_world);

        string[] secrets = [canary, replyCanary, RunningServer.ClientAddress.ToString(), "Jilin"];
        foreach (var secret in secrets)
            Assert.False(AnyFileContains(_world.DataDir, Encoding.UTF8.GetBytes(secret)), $"'{secret}' found in the data folder");
        string[] notInLogs = [.. secrets, id, replyId, mailbox.PublicKey.ToString(), _server.ReviewerKey.PublicKey.ToString(), "Reporting-Pow", "/api/v1/"];
        foreach (var secret in notInLogs)
            Assert.DoesNotContain(secret, _server.Logs.All);
    }

    [Fact]
    public async Task Retention_DeletesExpiredReports_AndTheirBytes()
    {
        var envelope = _server.SealForRoster("old report"u8.ToArray());
        var id = await _server.SubmitOkAsync(envelope);
        var marker = envelope[^64..];

        _world.Clock.Advance(TimeSpan.FromDays(89));
        var early = await _server.App.Services.GetRequiredService<Retention>().RunOnceAsync();
        _world.Clock.Advance(TimeSpan.FromDays(1));
        var due = await _server.App.Services.GetRequiredService<Retention>().RunOnceAsync();

        Assert.Equal(0, early);
        Assert.Equal(1, due);
        Assert.DoesNotContain(id, (await _server.ListReportsAsync()).Select(r => r.Id));
        Assert.False(AnyFileContains(_world.DataDir, marker));
    }

    [Fact]
    public async Task StoredMetadata_HoldsTheDayButNoTime()
    {
        await _server.SubmitOkAsync(_server.SealForRoster("x"u8.ToArray()));
        var now = _world.Clock.GetUtcNow().UtcDateTime;

        // The hour and minute of arrival, written any usual way, appear in no column of the database.
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_world.DataDir, "reports.db")};Mode=ReadOnly;Pooling=False");
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

    static bool AnyFileContains(string folder, byte[] needle) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Any(f => File.ReadAllBytes(f).AsSpan().IndexOf(needle) >= 0);
}
