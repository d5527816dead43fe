namespace Reporting.Server.Storage;

/// <summary>How a reply posted again (a retry after a lost answer: age ciphertexts never repeat otherwise)
/// is stored once per mailbox, decided here for both stores; each runs its own SQL for the three steps,
/// inside the transaction that then stores the reply. The idempotency table serves replies too, keyed by
/// <see cref="NewReply.IdempotencyKeyHash"/> (mailbox and content) and kept as long as reports' keys.</summary>
public static class ReplyKeyClaim
{
    /// <summary>Claims the reply's key. Returns the id of the earlier reply to answer with (the caller
    /// rolls back and stores nothing), or null when the key is now this reply's and it is to be stored.</summary>
    /// <param name="claim">Records the key for <see cref="NewReply.Id"/> unless it is taken (waiting for
    /// whoever holds it, where the store has several writers); returns the id the key is held for.</param>
    /// <param name="isReplyOfMailbox">Whether that id is a reply stored for <see cref="NewReply.Mailbox"/>.</param>
    /// <param name="take">Points the key at the new reply: the item it was held for is gone.</param>
    public static async Task<string?> EarlierReplyAsync(NewReply reply,
        Func<Task<string>> claim, Func<string, Task<bool>> isReplyOfMailbox, Func<Task> take)
    {
        var holder = await claim();
        if (holder == reply.Id)
            return null;
        if (await isReplyOfMailbox(holder))
            return holder;
        await take();
        return null;
    }
}
