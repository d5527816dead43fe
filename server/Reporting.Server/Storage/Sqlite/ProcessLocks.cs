using System.Collections.Concurrent;

namespace Reporting.Server.Storage.Sqlite;

/// <summary>The SQLite store's token claims and job locks: one process only, so memory is the whole
/// truth, and a claim dies with the process that held it.</summary>
sealed class ProcessLocks
{
    /// <summary>Tokens whose upload is in progress.</summary>
    readonly ConcurrentDictionary<string, byte> _claimedTokens = new(StringComparer.Ordinal);

    public IAsyncDisposable? TryClaimToken(string tokenId) =>
        _claimedTokens.TryAdd(tokenId, 0) ? new Release(() => _claimedTokens.TryRemove(tokenId, out _)) : null;

    readonly ConcurrentDictionary<string, SemaphoreSlim> _jobLocks = new(StringComparer.Ordinal);

    public async Task<IAsyncDisposable> LockAsync(string job, CancellationToken cancellationToken)
    {
        var gate = _jobLocks.GetOrAdd(job, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Release(() => gate.Release());
    }

    sealed class Release(Action release) : IAsyncDisposable
    {
        int _done;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
                release();
            return ValueTask.CompletedTask;
        }
    }
}
