using System.Net;
using System.Net.Http.Json;
using System.Text;
using Reporting.Format.Protocol;

namespace Reporting.Server.Tests.Http;

/// <summary>Two server processes on one PostgreSQL database, each with its own data folder (for uploads
/// in progress), as an organisation runs them behind one address.</summary>
public sealed class ScaleOutTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    readonly TestWorld _world = new();
    PostgresDatabase _database = null!;
    ServerProcess _serverA = null!;
    ServerProcess _serverB = null!;
    ServerClient _a = null!;
    ServerClient _b = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        // Started together: migrations and the first token key are made once, under their locks.
        var a = ServerProcess.StartAsync(_world.Settings(StoreSettings.Postgres(_database, _world.Folder["data-a"])));
        var b = ServerProcess.StartAsync(_world.Settings(StoreSettings.Postgres(_database, _world.Folder["data-b"])));
        (_serverA, _serverB) = (await a, await b);
        (_a, _b) = (new ServerClient(_serverA.Address, _world), new ServerClient(_serverB.Address, _world));
    }

    public async Task DisposeAsync()
    {
        _a.Dispose();
        _b.Dispose();
        await _serverA.DisposeAsync();
        await _serverB.DisposeAsync();
        await _database.DisposeAsync();
        _world.Dispose();
    }

    [Fact]
    public async Task SubmittedThroughA_IsListedAndFetchedThroughB()
    {
        var envelope = _a.SealForRoster("seen by both"u8.ToArray());

        var id = await _a.SubmitOkAsync(envelope);

        Assert.Equal([id], (await _b.ListReportsAsync()).Select(r => r.Id));
        Assert.Equal(envelope, await _b.DownloadAsync(id));
    }

    [Fact]
    public async Task TokenIssuedByA_IsRedeemedAtB_AndOneSpentAtA_IsRefusedAtB()
    {
        var envelope = _a.SealForRoster("token"u8.ToArray());
        var pow = await _a.SolvedPowAsync();

        using var atB = await _b.SubmitAsync(envelope, pow);
        using var againAtA = await _a.SubmitAsync(envelope, pow);
        var spentAtA = await _a.SolvedPowAsync();
        using (var first = await _a.SubmitAsync(envelope, spentAtA))
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        using var reusedAtB = await _b.SubmitAsync(envelope, spentAtA);

        Assert.Equal(HttpStatusCode.Created, atB.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, againAtA.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, reusedAtB.StatusCode);
        Assert.Equal(2, (await _b.ListReportsAsync()).Count);
    }

    [Fact]
    public async Task SameIdempotencyKey_AtAThenB_StoresOneReport()
    {
        var envelope = _a.SealForRoster("retried elsewhere"u8.ToArray());
        var key = ServerClient.NewIdempotencyKey();

        using var first = await _a.SubmitAsync(envelope, idempotencyKey: key);
        using var retry = await _b.SubmitAsync(envelope, idempotencyKey: key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        var firstId = (await first.Content.ReadFromJsonAsync<SubmittedReport>())!.Id;
        Assert.Equal(firstId, (await retry.Content.ReadFromJsonAsync<SubmittedReport>())!.Id);
        Assert.Equal([firstId], (await _b.ListReportsAsync()).Select(r => r.Id));
    }

    [Fact]
    public async Task SignedNonce_UsedAtA_IsAReplayAtB()
    {
        using var request = RequestSignature.CreateRequest(_a.ReviewerKey, HttpMethod.Get, Routes.Reports, null, DateTimeOffset.UtcNow);
        using var replay = RequestSignature.CreateRequest(_a.ReviewerKey, HttpMethod.Get, Routes.Reports, null, DateTimeOffset.UtcNow);
        foreach (var name in new[] { RequestSignature.KeyHeader, RequestSignature.TimestampHeader, RequestSignature.NonceHeader, RequestSignature.SignatureHeader })
        {
            replay.Headers.Remove(name);
            replay.Headers.Add(name, request.Headers.GetValues(name));
        }

        using var atA = await _a.Client.SendAsync(request);
        using var atB = await _b.Client.SendAsync(replay);

        Assert.Equal(HttpStatusCode.OK, atA.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, atB.StatusCode);
    }

    [Fact]
    public async Task AKilledMidUpload_LeavesNothingHalfListed_AndBKeepsServing()
    {
        var envelopes = CrashLoad.Envelopes(_world);
        // One upload held open in the middle of its body when A dies, beside a load of whole ones.
        var pow = await _a.SolvedPowAsync();
        var halfSent = new HttpRequestMessage(HttpMethod.Post, Routes.Reports)
        {
            Content = new StreamContent(new StallsAfter(envelopes[3], envelopes[3].Length / 2)),
        };
        halfSent.Content.Headers.ContentLength = envelopes[3].Length;
        halfSent.Headers.Add(SubmissionHeaders.Pow, pow);
        halfSent.Headers.Add(SubmissionHeaders.RosterVersion, "1");
        halfSent.Headers.Add(SubmissionHeaders.IdempotencyKey, ServerClient.NewIdempotencyKey());
        using var giveUp = new CancellationTokenSource();
        var stalled = _a.Client.SendAsync(halfSent, giveUp.Token);

        var acknowledged = await CrashLoad.LoadUntilKilledAsync(_serverA, _a, envelopes, TimeSpan.FromSeconds(2));
        giveUp.CancelAfter(TimeSpan.FromSeconds(1)); // the stalled body would otherwise wait for HttpClient's timeout
        await Assert.ThrowsAnyAsync<Exception>(() => stalled);
        Assert.False(stalled.IsCompletedSuccessfully);

        var listed = await CrashLoad.VerifyAsync(_b, acknowledged, envelopes);
        output.WriteLine($"{acknowledged.Count} acknowledged by A before SIGKILL, {listed} listed by B");
        // B still takes submissions, and the half-sent upload's token was never spent: it works at B.
        Assert.Equal(HttpStatusCode.Created, (await _b.SubmitAsync(envelopes[0], pow)).StatusCode);
    }

    /// <summary>Gives the first <paramref name="stallAt"/> bytes, then waits forever (until the connection dies).</summary>
    sealed class StallsAfter(byte[] bytes, int stallAt) : Reporting.Format.IO.ReadOnlyStream
    {
        int _position;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= stallAt)
                await Task.Delay(Timeout.Infinite, cancellationToken);
            return Read(buffer.Span);
        }

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, stallAt - _position);
            bytes.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override long Length => bytes.Length;
    }
}
