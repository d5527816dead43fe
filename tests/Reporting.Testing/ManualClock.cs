namespace Reporting.Testing;

/// <summary>The only fake in these tests: the clock. Starts at the real time (Data Protection's own
/// expiry check uses the real clock) and moves only forward when told.</summary>
public sealed class ManualClock : TimeProvider
{
    DateTimeOffset _now = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;

    public DateOnly Today => DateOnly.FromDateTime(_now.UtcDateTime);
}
