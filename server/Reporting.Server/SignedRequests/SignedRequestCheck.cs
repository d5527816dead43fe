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

/// <summary>A request whose headers passed the cheap checks; the signature over its body is checked next.</summary>
public sealed record SignedRequest(PublicSigningKey Key, SignedHeaders Headers);

/// <summary>Verifies signed requests (D10): known key, fresh timestamp, valid signature over method,
/// raw path and query, timestamp, nonce and body hash, and a nonce never seen before. Only a request that
/// passes is charged to its signer's bucket (<see cref="SignerBuckets"/>).</summary>
public sealed class SignedRequestCheck(IReportStore store, RosterBook roster, TimeProvider clock, SignerBuckets buckets)
{
    static readonly byte[] EmptyBodyHash = SHA256.HashData([]);

    /// <summary>Everything that can be checked before the body is read: four well-formed headers and a
    /// key that may call this route. Null when the request must be refused.</summary>
    public SignedRequest? Precheck(HttpContext context, Signer signer)
    {
        var headers = context.Request.Headers;
        if (Single(headers, RequestSignature.KeyHeader) is not { } keyText
            || Single(headers, RequestSignature.TimestampHeader) is not { } timestamp
            || Single(headers, RequestSignature.NonceHeader) is not { } nonce
            || Single(headers, RequestSignature.SignatureHeader) is not { } signature)
            return null;
        if (keyText.Length > 128 || !PublicSigningKey.TryParse(keyText, out var key) || key is null)
            return null;
        var allowed = signer switch
        {
            Signer.Reviewer => key.Kind == SigningKeyKind.Access && roster.IsAccessKey(key),
            Signer.MailboxOwner owner => key.Kind == SigningKeyKind.Mailbox && key.Equals(owner.Mailbox),
            _ => false,
        };
        return allowed && RequestSignature.IsValidNonce(nonce) ? new SignedRequest(key, new SignedHeaders(keyText, timestamp, nonce, signature)) : null;
    }

    /// <summary>Checks a request without a body: null when it may proceed, else the refusal to answer with.</summary>
    public async Task<ProblemHttpResult?> CheckAsync(HttpContext context, Signer signer)
        => Precheck(context, signer) is { } request ? await CheckAsync(context, request, EmptyBodyHash) : Problems.NotSigned();

    /// <summary>Checks the signature given the body's hash, charges the signer's bucket, then spends the nonce.
    /// Null when the request may proceed; 401 when the signature fails or the nonce was used; 429 when the
    /// bucket is empty (the nonce is then left unspent: nothing was done).</summary>
    public async Task<ProblemHttpResult?> CheckAsync(HttpContext context, SignedRequest request, byte[] bodySha256)
    {
        // The path exactly as the client sent it (percent-encoding included), which is what it signed.
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        var now = clock.GetUtcNow();
        if (!RequestSignature.Verify(request.Key, request.Headers, context.Request.Method, target, bodySha256, now))
            return Problems.NotSigned();
        // Charged before the nonce is written, so the database is behind the bucket too.
        if (!buckets.TryCharge(request.Key.Kind))
            return Problems.Busy(context);
        return await store.TryUseNonceAsync(request.Headers.Nonce, DateOnly.FromDateTime(now.UtcDateTime), context.RequestAborted)
            ? null
            : Problems.NotSigned();
    }

    static string? Single(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var values) && values.Count == 1 && values[0] is { Length: > 0 and <= 256 } value ? value : null;
}
