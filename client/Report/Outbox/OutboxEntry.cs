namespace Reporting.Report.Outbox;

/// <summary>What the outbox keeps beside a sealed envelope: only what delivery needs, never content.</summary>
/// <param name="IdempotencyKey">Sent with every attempt, so a retry after a lost answer is stored once.</param>
/// <param name="RosterVersion">The roster version the envelope was sealed to (header Reporting-Roster-Version).</param>
/// <param name="Queued">The day (not the time) it was sealed.</param>
/// <param name="Problem">Why the last delivery failed, in a few words, or null. Written only when it changes
/// (no count of attempts): each write of this description would date the attempt on a seized computer.</param>
/// <param name="RosterRefused">The server answered 409: it no longer takes envelopes sealed to
/// <paramref name="RosterVersion"/> (its grace period after a roster change is over, or it never served that
/// version). Sending it again cannot help, and the outbox holds no plaintext to seal it again from, so
/// <c>report send</c> leaves it alone and says what the source can do instead.</param>
/// <param name="TooLarge">The server takes no envelope this large (it answered 413, or its published limit is
/// smaller): final like <paramref name="RosterRefused"/>, never sent again.</param>
sealed record OutboxEntry(string IdempotencyKey, int RosterVersion, DateOnly Queued, long Size, string? Problem = null, bool RosterRefused = false, bool TooLarge = false)
{
    /// <summary>The server will never take it as it is: not offered again.</summary>
    public bool Final => RosterRefused || TooLarge;
}
