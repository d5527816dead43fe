namespace Reporting.Server.Storage;

/// <summary>Everything the server keeps: ciphertext with the least metadata (D6), plus the one-time
/// values that must be shared by every server instance (spent proof-of-work tokens, request nonces,
/// idempotency keys) and the roster files served. Two implementations: SQLite (default) and
/// PostgreSQL (several instances on one database); one contract test suite runs against both.
/// Days, never times: nothing here can date an event more precisely than the day.</summary>
public interface IReportStore
{
    /// <summary>Creates the schema if needed. Called once at start-up.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores a report, spends its proof-of-work token and records its idempotency key in one
    /// transaction: either all three are durable when this returns <see cref="AddOutcome.Stored"/>, or
    /// none is. <paramref name="ciphertext"/> is read to its end in chunks and must hold exactly
    /// <see cref="NewReport.Size"/> bytes.</summary>
    Task<AddResult> AddReportAsync(NewReport report, Stream ciphertext, CancellationToken cancellationToken = default);

    /// <summary>The report stored under this idempotency key (a SHA-256 of the client's key), if any, and
    /// whether the proof-of-work token is spent, in one look-up: what a submission asks before it receives
    /// its body.</summary>
    Task<SubmissionLookup> LookUpSubmissionAsync(byte[] keyHash, string tokenId, CancellationToken cancellationToken = default);

    /// <summary>Marks a proof-of-work token spent without storing anything: a rejected upload still used it up.</summary>
    Task SpendTokenAsync(string tokenId, DateOnly expires, CancellationToken cancellationToken = default);

    /// <summary>Claims a proof-of-work token for one upload, across every server instance on this store:
    /// null when another upload holds it. Without it one solved challenge could open every upload slot at
    /// once (the token is spent only when a report is stored or refused). Dispose to release; a claim
    /// dies with the process that held it.</summary>
    Task<IAsyncDisposable?> TryClaimTokenAsync(string tokenId, CancellationToken cancellationToken = default);

    /// <summary>Waits for, then holds, the store-wide lock named <paramref name="job"/> (retention, the key
    /// ring): one server instance at a time runs that job. Dispose to release.</summary>
    Task<IAsyncDisposable> LockAsync(string job, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<StoredItem>> ListReportsAsync(CancellationToken cancellationToken = default);

    /// <summary>A stream of the report's bytes, read chunk by chunk; null when there is no such report.</summary>
    Task<StoredBlob?> OpenReportAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Removes the report's row and bytes. False when there was none.</summary>
    Task<bool> DeleteReportAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Stores a reply for a mailbox, durable when this returns, and returns its id; the same bytes posted again for the same mailbox (a retry
    /// after a lost answer: age ciphertexts never repeat otherwise) return the first id and store nothing.</summary>
    Task<string> AddReplyAsync(NewReply reply, Stream ciphertext, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<StoredItem>> ListRepliesAsync(string mailbox, CancellationToken cancellationToken = default);

    Task<StoredBlob?> OpenReplyAsync(string mailbox, string id, CancellationToken cancellationToken = default);

    Task<bool> DeleteReplyAsync(string mailbox, string id, CancellationToken cancellationToken = default);

    /// <summary>Remembers a signed request's nonce for at least <see cref="Format.Protocol.RequestSignature.NonceLifetime"/>,
    /// without waiting for a disk (it is spent on every signed request, reads included). False when it was seen
    /// before: a replay.</summary>
    Task<bool> TryUseNonceAsync(string nonce, DateOnly day, CancellationToken cancellationToken = default);

    /// <summary>Keeps a roster file as served, by version; the first day it was served is kept once.</summary>
    Task RememberRosterAsync(int version, byte[] fileBytes, DateOnly day, CancellationToken cancellationToken = default);

    /// <summary>Every roster served so far, lowest version first.</summary>
    Task<IReadOnlyList<StoredRoster>> ListRostersAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes reports and replies whose expiry day has come, spent tokens and nonces that can no
    /// longer be presented, and idempotency keys past their week, as <paramref name="cutoffs"/> says; then
    /// makes sure the freed bytes are gone from disk. Returns how many reports and replies went.</summary>
    Task<int> DeleteExpiredAsync(RetentionCutoffs cutoffs, CancellationToken cancellationToken = default);
}

/// <param name="IdempotencyKeyHash">SHA-256 of the client's idempotency key: the raw key is never kept.</param>
/// <param name="TokenId">The proof-of-work token's random id, spent by this submission.</param>
/// <param name="TokenExpires">The day after which the token cannot be presented any more (so its id can go).</param>
public sealed record NewReport(
    string Id, DateOnly Day, long Size, int RosterVersion, DateOnly Expires,
    byte[] IdempotencyKeyHash, string TokenId, DateOnly TokenExpires);

/// <param name="ContentHash">SHA-256 of the ciphertext: how a retried post is recognised.</param>
public sealed record NewReply(string Id, string Mailbox, DateOnly Day, long Size, DateOnly Expires, byte[] ContentHash)
{
    /// <summary>How a reply posted again is recognised in the idempotency table, which serves reports
    /// too: its mailbox and the hash of its bytes.</summary>
    public byte[] IdempotencyKeyHash =>
        System.Security.Cryptography.SHA256.HashData([.. "reply\n"u8, .. System.Text.Encoding.UTF8.GetBytes(Mailbox), (byte)'\n', .. ContentHash]);
}

public enum AddOutcome
{
    Stored,
    /// <summary>The idempotency key was used before: nothing stored, <see cref="AddResult.Id"/> is the first answer.</summary>
    Duplicate,
    /// <summary>The proof-of-work token was spent by another submission: nothing stored.</summary>
    TokenSpent,
}

public sealed record AddResult(AddOutcome Outcome, string Id);

/// <summary>The report already stored under a submission's idempotency key, if any, and whether its
/// proof-of-work token is spent.</summary>
public sealed record SubmissionLookup(string? EarlierId, bool TokenSpent);

/// <param name="RosterVersion">For reports: the roster version it was sealed to; 0 for replies.</param>
public sealed record StoredItem(string Id, DateOnly Day, long Size, int RosterVersion);

public sealed record StoredRoster(int Version, byte[] FileBytes, DateOnly FirstServed);

/// <summary>A stored ciphertext being read; dispose it.</summary>
public sealed class StoredBlob(long length, Stream content) : IDisposable
{
    public long Length { get; } = length;
    public Stream Content { get; } = content;
    public void Dispose() => Content.Dispose();
}
