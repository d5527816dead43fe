using System.Security.Cryptography;
using Reporting.Server.Storage;

namespace Reporting.Server.Tests.Storage;

/// <summary>What every <see cref="IReportStore"/> must do. Each implementation gets a subclass that
/// creates a real, empty store (a SQLite file; a PostgreSQL schema of its own).</summary>
public abstract class ReportStoreContract : IAsyncLifetime
{
    protected static readonly DateOnly Today = new(2026, 11, 27);

    /// <summary>Sizes around this cross the PostgreSQL store's chunk boundary and the SQLite store's copy buffer.</summary>
    protected const int Mebibyte = 1 << 20;

    protected IReportStore Store { get; private set; } = null!;

    protected abstract Task<IReportStore> CreateStoreAsync();

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        await Store.InitializeAsync();
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected static NewReport Report(long size, string? idempotencyKey = null, string? tokenId = null, int retentionDays = 90) => new(
        RandomId.New(), Today, size, RosterVersion: 3, Today.AddDays(retentionDays),
        SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(idempotencyKey ?? RandomId.New())),
        tokenId ?? RandomId.New(), Today);

    protected static byte[] RandomBytes(int count) => RandomNumberGenerator.GetBytes(count);

    protected static async Task<byte[]> ReadAllAsync(StoredBlob blob)
    {
        using (blob)
        {
            using var copy = new MemoryStream();
            await blob.Content.CopyToAsync(copy);
            return copy.ToArray();
        }
    }

    [Fact]
    public async Task AddedReport_IsListed_AndReadsBackByteForByte_AcrossChunks()
    {
        var bytes = RandomBytes(Mebibyte * 2 + 12345);
        var report = Report(bytes.Length);

        var result = await Store.AddReportAsync(report, new MemoryStream(bytes));

        Assert.Equal(new AddResult(AddOutcome.Stored, report.Id), result);
        var listed = Assert.Single(await Store.ListReportsAsync());
        Assert.Equal(new StoredItem(report.Id, Today, bytes.Length, 3), listed);
        var blob = await Store.OpenReportAsync(report.Id);
        Assert.NotNull(blob);
        Assert.Equal(bytes.Length, blob.Length);
        Assert.Equal(bytes, await ReadAllAsync(blob));
    }

    [Fact]
    public async Task TokenSpentWithoutAReport_CannotStoreOneLater()
    {
        var report = Report(100, tokenId: "token-of-a-refused-upload");

        await Store.SpendTokenAsync("token-of-a-refused-upload", Today.AddDays(1));
        var result = await Store.AddReportAsync(report, new MemoryStream(RandomBytes(100)));

        Assert.True(await Store.IsTokenSpentAsync("token-of-a-refused-upload"));
        Assert.Equal(AddOutcome.TokenSpent, result.Outcome);
        Assert.Empty(await Store.ListReportsAsync());
    }

    [Fact]
    public async Task SameIdempotencyKey_StoresOnce_AndAnswersWithTheFirstId()
    {
        var first = Report(100, idempotencyKey: "retry-key-0123456789");
        var retry = Report(100, idempotencyKey: "retry-key-0123456789");

        await Store.AddReportAsync(first, new MemoryStream(RandomBytes(100)));
        var again = await Store.AddReportAsync(retry, new MemoryStream(RandomBytes(100)));

        Assert.Equal(new AddResult(AddOutcome.Duplicate, first.Id), again);
        Assert.Equal(first.Id, await Store.FindByIdempotencyKeyAsync(first.IdempotencyKeyHash));
        Assert.Single(await Store.ListReportsAsync());
    }

    [Fact]
    public async Task SpentToken_CannotStoreASecondReport()
    {
        await Store.AddReportAsync(Report(10, tokenId: "token-a"), new MemoryStream(RandomBytes(10)));

        var second = await Store.AddReportAsync(Report(10, tokenId: "token-a"), new MemoryStream(RandomBytes(10)));

        Assert.Equal(AddOutcome.TokenSpent, second.Outcome);
        Assert.True(await Store.IsTokenSpentAsync("token-a"));
        Assert.False(await Store.IsTokenSpentAsync("token-b"));
        Assert.Single(await Store.ListReportsAsync());
    }

    [Fact]
    public async Task LookUpSubmission_AnswersTheEarlierIdAndTheSpentToken_Separately()
    {
        var stored = Report(10, idempotencyKey: "lookup-key-0123456789", tokenId: "token-used");
        await Store.AddReportAsync(stored, new MemoryStream(RandomBytes(10)));
        var freshKey = Report(10).IdempotencyKeyHash;

        Assert.Equal(new SubmissionLookup(stored.Id, true), await Store.LookUpSubmissionAsync(stored.IdempotencyKeyHash, "token-used"));
        Assert.Equal(new SubmissionLookup(stored.Id, false), await Store.LookUpSubmissionAsync(stored.IdempotencyKeyHash, "token-new"));
        Assert.Equal(new SubmissionLookup(null, true), await Store.LookUpSubmissionAsync(freshKey, "token-used"));
        Assert.Equal(new SubmissionLookup(null, false), await Store.LookUpSubmissionAsync(freshKey, "token-new"));
    }

    [Fact]
    public async Task FailedAdd_LeavesNothingListed_AndDoesNotSpendTheToken()
    {
        var report = Report(Mebibyte * 3, tokenId: "token-broken");
        var source = new BreaksAfter(new MemoryStream(RandomBytes(Mebibyte * 3)), Mebibyte + 10);

        await Assert.ThrowsAsync<IOException>(() => Store.AddReportAsync(report, source));

        Assert.Empty(await Store.ListReportsAsync());
        Assert.Null(await Store.OpenReportAsync(report.Id));
        Assert.False(await Store.IsTokenSpentAsync("token-broken"));
        Assert.Null(await Store.FindByIdempotencyKeyAsync(report.IdempotencyKeyHash));
    }

    [Fact]
    public async Task ShorterStreamThanDeclared_IsRefused_AndNothingListed()
    {
        var report = Report(1000);

        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddReportAsync(report, new MemoryStream(RandomBytes(999))));

        Assert.Empty(await Store.ListReportsAsync());
    }

    [Fact]
    public async Task ConcurrentAdds_EachGetTheirOwnOutcome_AndOneFailureSparesTheOthers()
    {
        var reports = Enumerable.Range(0, 40).Select(i => Report(1000, tokenId: $"token-{i}")).ToList();
        var sameKey = Report(1000, idempotencyKey: "shared-key-0123456789");
        var sameKeyAgain = Report(1000, idempotencyKey: "shared-key-0123456789");
        var sameToken = Report(1000, tokenId: "token-0");
        var broken = Report(Mebibyte * 2, tokenId: "token-broken");

        var adds = reports.Select(r => Store.AddReportAsync(r, new MemoryStream(RandomBytes(1000)))).ToList();
        var duplicate = Task.WhenAll(
            Store.AddReportAsync(sameKey, new MemoryStream(RandomBytes(1000))),
            Store.AddReportAsync(sameKeyAgain, new MemoryStream(RandomBytes(1000))));
        var failing = Store.AddReportAsync(broken, new BreaksAfter(new MemoryStream(RandomBytes(Mebibyte * 2)), 5000));

        Assert.All(await Task.WhenAll(adds), (result, i) => Assert.Equal(new AddResult(AddOutcome.Stored, reports[i].Id), result));
        var spent = Store.AddReportAsync(sameToken, new MemoryStream(RandomBytes(1000)));
        var pair = await duplicate;
        Assert.Single(pair, r => r.Outcome == AddOutcome.Stored);
        Assert.Single(pair, r => r.Outcome == AddOutcome.Duplicate);
        Assert.Equal(pair[0].Id, pair[1].Id);
        Assert.Equal(AddOutcome.TokenSpent, (await spent).Outcome);
        await Assert.ThrowsAsync<IOException>(() => failing);
        Assert.Equal(41, (await Store.ListReportsAsync()).Count);
        Assert.False(await Store.IsTokenSpentAsync("token-broken"));
    }

    [Fact]
    public async Task TokenClaim_IsHeldByOneUploadAtATime_AndFreedWhenReleased()
    {
        var first = await Store.TryClaimTokenAsync("token-in-flight");
        Assert.NotNull(first);
        Assert.Null(await Store.TryClaimTokenAsync("token-in-flight"));
        await using (var other = await Store.TryClaimTokenAsync("token-other"))
            Assert.NotNull(other);

        await first.DisposeAsync();

        await using var again = await Store.TryClaimTokenAsync("token-in-flight");
        Assert.NotNull(again);
    }

    [Fact]
    public async Task JobLock_LetsOneHolderIn_AndTheNextWhenReleased()
    {
        var first = await Store.LockAsync("job");
        var second = Store.LockAsync("job");
        await Task.Delay(200);
        Assert.False(second.IsCompleted);

        await first.DisposeAsync();

        await (await second.WaitAsync(TimeSpan.FromSeconds(10))).DisposeAsync();
    }

    [Fact]
    public async Task DeletedReport_IsGone()
    {
        var report = Report(50);
        await Store.AddReportAsync(report, new MemoryStream(RandomBytes(50)));

        Assert.True(await Store.DeleteReportAsync(report.Id));

        Assert.Empty(await Store.ListReportsAsync());
        Assert.Null(await Store.OpenReportAsync(report.Id));
        Assert.False(await Store.DeleteReportAsync(report.Id));
    }

    [Fact]
    public async Task Replies_AreSeenOnlyThroughTheirMailbox()
    {
        var bytes = RandomBytes(300);
        var reply = new NewReply(RandomId.New(), "reportmailbox1aaa", Today, bytes.Length, Today.AddDays(90), SHA256.HashData(bytes));
        await Store.AddReplyAsync(reply, new MemoryStream(bytes));

        Assert.Equal([new StoredItem(reply.Id, Today, 300, 0)], await Store.ListRepliesAsync("reportmailbox1aaa"));
        Assert.Empty(await Store.ListRepliesAsync("reportmailbox1bbb"));
        Assert.Null(await Store.OpenReplyAsync("reportmailbox1bbb", reply.Id));
        Assert.False(await Store.DeleteReplyAsync("reportmailbox1bbb", reply.Id));
        Assert.Equal(bytes, await ReadAllAsync((await Store.OpenReplyAsync("reportmailbox1aaa", reply.Id))!));
        Assert.True(await Store.DeleteReplyAsync("reportmailbox1aaa", reply.Id));
        Assert.Empty(await Store.ListRepliesAsync("reportmailbox1aaa"));
    }

    [Fact]
    public async Task SameReplyPostedTwice_StoresOnce_AndAnswersWithTheFirstId_PerMailbox()
    {
        var bytes = RandomBytes(300);
        NewReply Reply(string mailbox) => new(RandomId.New(), mailbox, Today, bytes.Length, Today.AddDays(90), SHA256.HashData(bytes));
        var first = Reply("reportmailbox1aaa");

        var firstId = await Store.AddReplyAsync(first, new MemoryStream(bytes));
        var retryId = await Store.AddReplyAsync(Reply("reportmailbox1aaa"), new MemoryStream(bytes));
        var otherMailboxId = await Store.AddReplyAsync(Reply("reportmailbox1bbb"), new MemoryStream(bytes));

        Assert.Equal(first.Id, firstId);
        Assert.Equal(firstId, retryId);
        Assert.NotEqual(firstId, otherMailboxId);
        Assert.Single(await Store.ListRepliesAsync("reportmailbox1aaa"));
        Assert.Single(await Store.ListRepliesAsync("reportmailbox1bbb"));
    }

    [Fact]
    public async Task Nonce_CanBeUsedOnce()
    {
        Assert.True(await Store.TryUseNonceAsync("nonce-0123456789abcdef", Today));
        Assert.False(await Store.TryUseNonceAsync("nonce-0123456789abcdef", Today));
        Assert.True(await Store.TryUseNonceAsync("nonce-fedcba9876543210", Today));
    }

    [Fact]
    public async Task Rosters_AreKeptByVersion_WithTheirFirstDay()
    {
        await Store.RememberRosterAsync(2, [1, 2], Today);
        await Store.RememberRosterAsync(3, [3], Today.AddDays(5));
        await Store.RememberRosterAsync(2, [9, 9], Today.AddDays(9));

        var rosters = await Store.ListRostersAsync();

        Assert.Equal([2, 3], rosters.Select(r => r.Version));
        Assert.Equal([1, 2], rosters[0].FileBytes);
        Assert.Equal(Today, rosters[0].FirstServed);
        Assert.Equal(Today.AddDays(5), rosters[1].FirstServed);
    }

    [Fact]
    public async Task Expiry_DeletesWhatIsDue_AndKeepsTheRest()
    {
        var due = Report(10, retentionDays: 1, tokenId: "old-token");
        var kept = Report(10, retentionDays: 90);
        var dueBytes = RandomBytes(10);
        var dueReply = new NewReply(RandomId.New(), "reportmailbox1aaa", Today, 10, Today.AddDays(1), SHA256.HashData(dueBytes));
        await Store.AddReportAsync(due, new MemoryStream(RandomBytes(10)));
        await Store.AddReportAsync(kept, new MemoryStream(RandomBytes(10)));
        await Store.AddReplyAsync(dueReply, new MemoryStream(dueBytes));
        await Store.TryUseNonceAsync("old-nonce-0123456789", Today);

        var deleted = await Store.DeleteExpiredAsync(RetentionCutoffs.On(Today.AddDays(2)));

        Assert.Equal(2, deleted);
        Assert.Equal([kept.Id], (await Store.ListReportsAsync()).Select(r => r.Id));
        Assert.Empty(await Store.ListRepliesAsync("reportmailbox1aaa"));
        Assert.Null(await Store.FindByIdempotencyKeyAsync(due.IdempotencyKeyHash));
        // The token expired on the day it was issued and the nonce was used then: two days later both are forgotten.
        Assert.False(await Store.IsTokenSpentAsync("old-token"));
        Assert.True(await Store.TryUseNonceAsync("old-nonce-0123456789", Today));
    }

    /// <summary>A source that fails part-way, as a broken-off upload would.</summary>
    sealed class BreaksAfter(Stream inner, long limit) : Stream
    {
        long _read;
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_read >= limit)
                throw new IOException("connection reset");
            var n = inner.Read(buffer, offset, (int)Math.Min(count, limit - _read + 1));
            _read += n;
            return n;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
