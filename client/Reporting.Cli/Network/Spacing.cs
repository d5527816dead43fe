using System.Security.Cryptography;

namespace Reporting.Cli.Network;

/// <summary>Random waits between requests a watching server could otherwise link by their timing
/// (docs/DESIGN.md D11): Tor keeps their circuits apart, but several reports arriving in one burst, or
/// answers posted to several mailboxes right after their reports were fetched, still tell a live server
/// they belong together.</summary>
public static class Spacing
{
    /// <summary>A pause between a quarter of <paramref name="most"/> and all of it, drawn at random.</summary>
    public static TimeSpan Between(TimeSpan most) =>
        most <= TimeSpan.Zero ? TimeSpan.Zero : most / 4 + Fraction() * (most - most / 4);

    /// <summary><paramref name="count"/> moments drawn at random over <paramref name="window"/>, earliest first:
    /// when to send each of several requests, so that neither their order nor their spacing follows anything.</summary>
    public static IReadOnlyList<TimeSpan> Over(int count, TimeSpan window) =>
        [.. Enumerable.Range(0, count).Select(_ => window <= TimeSpan.Zero ? TimeSpan.Zero : Fraction() * window).Order()];

    static double Fraction() => RandomNumberGenerator.GetInt32(int.MaxValue) / (double)int.MaxValue;
}
