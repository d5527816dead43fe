namespace Reporting.Server.Storage;

/// <summary>What one retention sweep deletes, decided here for both stores: each only runs its SQL with
/// these days. Days, never times.</summary>
public sealed record RetentionCutoffs
{
    /// <summary>Idempotency keys answer retries after a lost response; a week covers an outbox that
    /// retries for days, and then the link between a key and a report id goes too.</summary>
    public const int IdempotencyDays = 7;

    RetentionCutoffs(DateOnly today)
    {
        ItemsExpiringBy = today;
        TokensExpiringBefore = today;
        NoncesUsedBefore = today.AddDays(-1);
        IdempotencyKeysBefore = today.AddDays(-IdempotencyDays);
    }

    /// <summary>The sweep run on <paramref name="today"/>.</summary>
    public static RetentionCutoffs On(DateOnly today) => new(today);

    /// <summary>Reports and replies whose expiry day is this one or earlier go, with their bytes and keys.</summary>
    public DateOnly ItemsExpiringBy { get; }

    /// <summary>A token's expiry day has passed: it can no longer be presented, so its id can go.</summary>
    public DateOnly TokensExpiringBefore { get; }

    /// <summary>Nonces live minutes; keeping yesterday's covers a request signed just before midnight.</summary>
    public DateOnly NoncesUsedBefore { get; }

    /// <summary>Idempotency keys (reports' and replies') made before this day go (<see cref="IdempotencyDays"/>).</summary>
    public DateOnly IdempotencyKeysBefore { get; }
}
