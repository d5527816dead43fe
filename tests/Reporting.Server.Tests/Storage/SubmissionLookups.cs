using Reporting.Server.Storage;

namespace Reporting.Server.Tests.Storage;

/// <summary>One half of <see cref="IReportStore.LookUpSubmissionAsync"/> at a time, as the tests ask.</summary>
static class SubmissionLookups
{
    public static async Task<string?> FindByIdempotencyKeyAsync(this IReportStore store, byte[] keyHash) =>
        (await store.LookUpSubmissionAsync(keyHash, "")).EarlierId;

    public static async Task<bool> IsTokenSpentAsync(this IReportStore store, string tokenId) =>
        (await store.LookUpSubmissionAsync([], tokenId)).TokenSpent;
}
