using System.Diagnostics;
using Reporting.Format.Protocol;

namespace Reporting.Server.Uploads;

/// <summary>Cuts an upload that falls behind <see cref="UploadPace"/>: after the grace, at least 8 KiB/s on average
/// since the first read. After each read the cut is moved to the moment the bytes so far stop covering the time,
/// so a body sent at the pace is never cut, and one that stalls or trickles is cut soon after the grace whatever
/// length it declared: holding an upload slot costs a client the bandwidth of the pace. Wall time, not the
/// server's clock: what it measures is the network.</summary>
sealed class UploadTimer : IDisposable
{
    readonly TimeSpan _grace;
    readonly long _started = Stopwatch.GetTimestamp();
    readonly CancellationTokenSource _late = new();

    public UploadTimer(TimeSpan grace)
    {
        _grace = grace;
        _late.CancelAfter(grace);
    }

    /// <summary>Cancelled when the upload falls behind the pace.</summary>
    public CancellationToken Late => _late.Token;

    /// <summary>Whether the cut came from the pace (not from the client going away).</summary>
    public bool IsLate => _late.IsCancellationRequested;

    /// <summary><paramref name="received"/> bytes have arrived in all: they buy time until <see cref="UploadPace.Deadline"/> of them.</summary>
    public void Arrived(long received)
    {
        var due = UploadPace.Deadline(received, _grace) - Stopwatch.GetElapsedTime(_started);
        if (!_late.IsCancellationRequested)
            _late.CancelAfter(due > TimeSpan.Zero ? due : TimeSpan.Zero);
    }

    public void Dispose() => _late.Dispose();
}
