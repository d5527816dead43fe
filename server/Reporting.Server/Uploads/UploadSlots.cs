using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Reporting.Server.Uploads;

/// <summary>What became of a request for an upload slot.</summary>
public abstract record SlotOutcome
{
    SlotOutcome() { }

    /// <summary>Dispose it once the upload is stored or refused.</summary>
    public sealed record Taken(IDisposable Slot) : SlotOutcome;

    /// <summary>The line was full, the wait ran out, or the client went away.</summary>
    public sealed record Busy : SlotOutcome;

    /// <summary>Its holder (a solved challenge) already holds or awaits a slot.</summary>
    public sealed record AlreadyInLine : SlotOutcome;
}

/// <summary>Bodies received at once (D7), server-wide, never per address. A slot is taken only once a request
/// has shown what it paid (a solved challenge, a verified signature), so nothing that costs nothing holds one;
/// it is held at most until the upload's deadline (<see cref="Reporting.Format.Protocol.UploadPace"/>); and part
/// of the slots are kept for small envelopes, so large or slow uploads can never crowd out a typical report.
/// A request waits for a slot in arrival order, for a few seconds at most, then hears 429.</summary>
public sealed class UploadSlots : IDisposable
{
    /// <summary>Small: a text report with a photo or two. Larger ones may use only the slots not kept for these.</summary>
    public const long SmallBytes = 1 << 20;

    /// <summary>Long enough for a slot to come free in the ordinary course of uploads; short enough that a
    /// client told to come back (429, a fresh challenge) loses little.</summary>
    static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(10);

    readonly ConcurrencyLimiter _any;
    readonly ConcurrencyLimiter? _large;

    /// <summary>Who is in line or uploading, so one solved challenge holds one place, not a queue's worth.</summary>
    readonly ConcurrentDictionary<string, byte> _holders = new(StringComparer.Ordinal);

    /// <param name="slots">Uploads at once.</param>
    /// <param name="keptForSmall">How many of them only uploads of at most <see cref="SmallBytes"/> may take.</param>
    public UploadSlots(int slots, int keptForSmall)
    {
        _any = new ConcurrencyLimiter(Options(slots));
        _large = keptForSmall > 0 ? new ConcurrencyLimiter(Options(slots - keptForSmall)) : null;
    }

    /// <summary>Half of the slots, so a typical report finds one while large uploads fill the rest.</summary>
    public static int KeptForSmall(int slots) => slots / 2;

    /// <summary>A slot for an upload of <paramref name="declaredLength"/> bytes for <paramref name="holder"/> (if any).</summary>
    public async Task<SlotOutcome> TakeAsync(long declaredLength, string? holder, CancellationToken aborted)
    {
        if (holder is not null && !_holders.TryAdd(holder, 0))
            return new SlotOutcome.AlreadyInLine();
        RateLimitLease? large = null, any = null;
        try
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            wait.CancelAfter(LongestWait);
            if (declaredLength > SmallBytes && _large is not null)
            {
                large = await _large.AcquireAsync(1, wait.Token);
                if (!large.IsAcquired)
                    return Release(null, large, holder);
            }
            any = await _any.AcquireAsync(1, wait.Token);
            return any.IsAcquired ? new SlotOutcome.Taken(new Slot(this, any, large, holder)) : Release(any, large, holder);
        }
        catch (OperationCanceledException)
        {
            return Release(any, large, holder);
        }
    }

    SlotOutcome Release(RateLimitLease? any, RateLimitLease? large, string? holder)
    {
        any?.Dispose();
        large?.Dispose();
        if (holder is not null)
            _holders.TryRemove(holder, out _);
        return new SlotOutcome.Busy();
    }

    static ConcurrencyLimiterOptions Options(int permits) => new()
    {
        PermitLimit = permits,
        QueueLimit = permits * 4,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    };

    public void Dispose()
    {
        _any.Dispose();
        _large?.Dispose();
    }

    sealed class Slot(UploadSlots slots, RateLimitLease any, RateLimitLease? large, string? holder) : IDisposable
    {
        int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                slots.Release(any, large, holder);
        }
    }
}
