using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Reporting.Format.Keys;
using Reporting.Format.Protocol;
using Reporting.Server.Hardening;
using Reporting.Server.Rosters;
using Reporting.Server.Storage;

namespace Reporting.Server.SignedRequests;

/// <summary>Who may call a signed route: a reviewer's access key listed in the current roster, or the
/// mailbox key named in the route itself.</summary>
public abstract record Signer
{
    public sealed record Reviewer : Signer;
    public sealed record MailboxOwner(PublicSigningKey Mailbox) : Signer;
}

/// <summary>Verifies signed requests (D10) before a byte of their body is read: known key, fresh timestamp,
/// a valid signature over method, raw path and query, timestamp, nonce, the declared length and the declared
/// body hash, and a nonce never seen before. Only a request that passes is charged to its signer's bucket
/// (<see cref="SignerBuckets"/>); a route that then reads a body holds it to the declared hash
/// (<see cref="IsDeclaredBody"/>), so an access key copied from the public roster buys nothing but a 401.</summary>
public sealed class SignedRequestCheck(IReportStore store, RosterBook roster, TimeProvider clock, SignerBuckets buckets)
{
    /// <summary>Null when the request may proceed, else the refusal to answer with: 401 when the headers, key,
    /// signature or nonce fail; 429 when the bucket is empty (the nonce is then left unspent: nothing was done).</summary>
    public async Task<ProblemHttpResult?> CheckAsync(HttpContext context, Signer signer)
    {
        var headers = context.Request.Headers;
        if (Single(headers, RequestSignature.KeyHeader) is not { } keyText
            || Single(headers, RequestSignature.TimestampHeader) is not { } timestamp
            || Single(headers, RequestSignature.NonceHeader) is not { } nonce
            || Single(headers, RequestSignature.SignatureHeader) is not { } signature
            || Single(headers, RequestSignature.ContentSha256Header) is not { } contentSha256)
            return Problems.NotSigned();
        if (keyText.Length > 128 || !PublicSigningKey.TryParse(keyText, out var key) || key is null || !MayCall(key, signer))
            return Problems.NotSigned();

        // The path exactly as the client sent it (percent-encoding included), which is what it signed; the length
        // it declared (none: no body), which the body is then held to by Kestrel.
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        var signed = new SignedHeaders(keyText, timestamp, nonce, signature, contentSha256);
        var now = clock.GetUtcNow();
        if (!RequestSignature.Verify(key, signed, context.Request.Method, target, context.Request.ContentLength ?? 0, now))
            return Problems.NotSigned();
        // Charged before the nonce is written, so the nonce set is behind the bucket too.
        if (!buckets.TryCharge(key.Kind))
            return Problems.Busy(context);
        // Spent before any body is read: a captured request replayed many times at once holds nothing.
        return await store.TryUseNonceAsync(nonce, DateOnly.FromDateTime(now.UtcDateTime), context.RequestAborted)
            ? null
            : Problems.NotSigned();
    }

    /// <summary>Whether a body received whole hashes to what the verified signature declared.</summary>
    public static bool IsDeclaredBody(HttpContext context, byte[] bodySha256) =>
        Single(context.Request.Headers, RequestSignature.ContentSha256Header) is { } declared
        && RequestSignature.TryParseSha256(declared) is { } expected
        && CryptographicOperations.FixedTimeEquals(expected, bodySha256);

    bool MayCall(PublicSigningKey key, Signer signer) => signer switch
    {
        Signer.Reviewer => key.Kind == SigningKeyKind.Access && roster.IsAccessKey(key),
        Signer.MailboxOwner owner => key.Kind == SigningKeyKind.Mailbox && key.Equals(owner.Mailbox),
        _ => false,
    };

    static string? Single(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var values) && values.Count == 1 && values[0] is { Length: > 0 and <= 256 } value ? value : null;
}
