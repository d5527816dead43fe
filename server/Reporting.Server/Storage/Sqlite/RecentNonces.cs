using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Reporting.Format.Protocol;

namespace Reporting.Server.Storage.Sqlite;

/// <summary>The nonces of signed requests seen in the last <see cref="RequestSignature.NonceLifetime"/>, in memory:
/// the SQLite store serves one process, and a nonce only has to outlive the ±5 minutes in which its timestamp is
/// accepted. Kept on disk, each signed request (a source polling an empty mailbox included) would be a
/// <c>synchronous=FULL</c> commit on the writer that commits submissions; here it is a dictionary entry, so a
/// mailbox flood cannot slow submissions. What a restart forgets is harmless (threat-model.md): a request captured
/// in the minutes before it could be replayed once, and every signed operation is idempotent.</summary>
sealed class RecentNonces
{
    /// <summary>Far above what the signed-request buckets let through in a nonce's lifetime at their default rate
    /// (2 × 200/s × 11 min ≈ 270 000); 16 bytes each plus the entry, about 64 MiB at most. Once full, a new nonce is
    /// refused as if replayed until old ones expire: the buckets were set far above honest use.</summary>
    const int Capacity = 1 << 20;

    readonly Dictionary<UInt128, (long Expires, DateOnly Day)> _nonces = [];
    readonly Lock _lock = new();
    long _nextSweep;

    /// <summary>False when <paramref name="nonce"/> was seen within its lifetime (a replay) or the set is full.</summary>
    public bool TryUse(string nonce, DateOnly day)
    {
        // A digest, not the text: a fixed 16 bytes whatever was sent, and no nonce is kept as it came.
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.ASCII.GetBytes(nonce), digest);
        var key = BinaryPrimitives.ReadUInt128LittleEndian(digest);
        var now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            if (now >= _nextSweep)
                Sweep(now);
            if (_nonces.TryGetValue(key, out var seen) && seen.Expires > now)
                return false;
            if (_nonces.Count >= Capacity)
                return false;
            _nonces[key] = (now + (long)(RequestSignature.NonceLifetime.TotalSeconds * Stopwatch.Frequency), day);
            return true;
        }
    }

    /// <summary>Once a minute; once a second while the set is more than half full, never more often.</summary>
    void Sweep(long now)
    {
        foreach (var (key, seen) in _nonces)
            if (seen.Expires <= now)
                _nonces.Remove(key);
        _nextSweep = now + (_nonces.Count > Capacity / 2 ? 1 : 60) * Stopwatch.Frequency;
    }

    /// <summary>Retention's cut (<see cref="RetentionCutoffs.NoncesUsedBefore"/>), as the stores that keep nonces in a
    /// table apply it: whatever the wall clock says, a nonce used before that day can no longer be presented.</summary>
    public void Forget(DateOnly usedBefore)
    {
        lock (_lock)
            foreach (var (key, seen) in _nonces)
                if (seen.Day < usedBefore)
                    _nonces.Remove(key);
    }
}
