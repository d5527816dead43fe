namespace Reporting.Format.Protocol;

/// <summary>How fast an upload (a submission or a reply) must arrive (D7, PROTOCOL.md): once the server starts
/// reading it, the body may take a grace period for its first bytes, then must keep up with
/// <see cref="SlowestBytesPerSecond"/> on average. By <c>t</c> seconds at least <c>(t - grace) × 8 KiB</c> of it
/// has arrived, or all of it; so an upload of <c>n</c> bytes is whole by <see cref="Deadline"/>, and one that
/// trickles is cut soon after the grace whatever length it declared.</summary>
public static class UploadPace
{
    /// <summary>8 KiB/s: a slow Tor circuit still carries several times this; a client trickling below it to hold
    /// an upload slot is cut.</summary>
    public const int SlowestBytesPerSecond = 8 << 10;

    /// <summary>The server's grace for the first bytes unless its operator chose another (Reporting:UploadGraceSeconds).
    /// The body follows the headers on the same stream, within Tor's first flow-control window: seconds are plenty.</summary>
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromSeconds(10);

    /// <summary>When an upload of <paramref name="bytes"/> must be whole, counted from the server's first read.</summary>
    public static TimeSpan Deadline(long bytes, TimeSpan grace) => grace + TimeSpan.FromSeconds((double)bytes / SlowestBytesPerSecond);
}
