using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Reporting.Format.Keys;

namespace Reporting.Format.Protocol;

/// <summary>The five headers of a signed request (reviewer and mailbox routes). <see cref="ContentSha256"/> is the
/// lowercase hex SHA-256 of the body the request declares; the signature covers it and the declared length.</summary>
public sealed record SignedHeaders(string Key, string Timestamp, string Nonce, string Signature, string ContentSha256);

/// <summary>Signed requests (D10): an Ed25519 signature over method, path and query, a timestamp, a nonce,
/// the body's declared length and its SHA-256. The length and the hash are in the headers, so the server
/// verifies the signature before it reads a byte of the body, then checks the body against the hash as it
/// arrives. See PROTOCOL.md.</summary>
public static class RequestSignature
{
    public const string KeyHeader = "Reporting-Key";
    public const string TimestampHeader = "Reporting-Timestamp";
    public const string NonceHeader = "Reporting-Nonce";
    public const string SignatureHeader = "Reporting-Signature";
    public const string ContentSha256Header = "Reporting-Content-SHA256";

    /// <summary>How far a request's clock may be from the server's: wide enough for a badly set
    /// laptop clock and a slow Tor circuit, narrow enough that the nonce set stays small.</summary>
    public static readonly TimeSpan AllowedSkew = TimeSpan.FromMinutes(5);

    /// <summary>Nonces are remembered this long: any request older is refused by its timestamp anyway
    /// (the skew either way, plus a minute so the edges never meet).</summary>
    public static readonly TimeSpan NonceLifetime = 2 * AllowedSkew + TimeSpan.FromMinutes(1);

    /// <summary>Domain separation: a signature made for a request can never pass as a roster or anything else.
    /// v2 signs the declared length and the body hash sent in a header; a v1 signature never verifies as v2.</summary>
    static readonly byte[] Context = "reporting request v2\n"u8.ToArray();

    /// <summary>The exact bytes that are signed.</summary>
    public static byte[] SignedBytes(string method, string pathAndQuery, long unixSeconds, string nonce, long contentLength, ReadOnlySpan<byte> bodySha256)
    {
        if (bodySha256.Length != SHA256.HashSizeInBytes)
            throw new ArgumentException("The body hash is a SHA-256 digest.", nameof(bodySha256));
        ArgumentOutOfRangeException.ThrowIfNegative(contentLength);
        var text = string.Join('\n',
            method.ToUpperInvariant(),
            pathAndQuery,
            unixSeconds.ToString(CultureInfo.InvariantCulture),
            nonce,
            contentLength.ToString(CultureInfo.InvariantCulture),
            Convert.ToHexStringLower(bodySha256));
        return [.. Context, .. Encoding.UTF8.GetBytes(text)];
    }

    public static SignedHeaders Sign(SigningKey key, string method, string pathAndQuery, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        var unixSeconds = now.ToUnixTimeSeconds();
        var nonce = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18));
        var bodySha256 = SHA256.HashData(body);
        var signature = key.Sign(SignedBytes(method, pathAndQuery, unixSeconds, nonce, body.Length, bodySha256));
        return new SignedHeaders(
            key.PublicKey.ToString(),
            unixSeconds.ToString(CultureInfo.InvariantCulture),
            nonce,
            Convert.ToBase64String(signature),
            Convert.ToHexStringLower(bodySha256));
    }

    /// <summary>A request carrying the signature headers, and <paramref name="body"/> (if any) as octets.</summary>
    public static HttpRequestMessage CreateRequest(SigningKey key, HttpMethod method, string pathAndQuery, byte[]? body, DateTimeOffset now)
    {
        var request = new HttpRequestMessage(method, pathAndQuery);
        Attach(request, Sign(key, method.Method, pathAndQuery, body ?? [], now));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        }
        return request;
    }

    /// <summary>Puts the five headers on <paramref name="request"/>.</summary>
    public static void Attach(HttpRequestMessage request, SignedHeaders signed)
    {
        request.Headers.Add(KeyHeader, signed.Key);
        request.Headers.Add(TimestampHeader, signed.Timestamp);
        request.Headers.Add(NonceHeader, signed.Nonce);
        request.Headers.Add(SignatureHeader, signed.Signature);
        request.Headers.Add(ContentSha256Header, signed.ContentSha256);
    }

    /// <summary>Checks the headers' syntax, the clock skew and the signature over the declared length and body
    /// hash; the caller checks that the key is allowed, that the nonce is fresh and, as the body arrives, that
    /// it is <paramref name="contentLength"/> bytes hashing to <see cref="SignedHeaders.ContentSha256"/>.
    /// Returns false, never throws, on any bad input.</summary>
    public static bool Verify(PublicSigningKey key, SignedHeaders headers, string method, string pathAndQuery, long contentLength, DateTimeOffset now)
    {
        if (!long.TryParse(headers.Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var unixSeconds)
            || headers.Timestamp != unixSeconds.ToString(CultureInfo.InvariantCulture))
            return false;
        if (Math.Abs(now.ToUnixTimeSeconds() - unixSeconds) > (long)AllowedSkew.TotalSeconds)
            return false;
        if (!IsValidNonce(headers.Nonce) || contentLength < 0)
            return false;
        if (TryParseSha256(headers.ContentSha256) is not { } bodySha256)
            return false;
        if (headers.Signature.Length != 88)
            return false;
        Span<byte> signature = stackalloc byte[66];
        if (!Convert.TryFromBase64String(headers.Signature, signature, out var written) || written != 64)
            return false;
        return key.Verify(SignedBytes(method, pathAndQuery, unixSeconds, headers.Nonce, contentLength, bodySha256), signature[..64]);
    }

    /// <summary>The digest a <see cref="ContentSha256Header"/> names: exactly 64 lowercase hex digits (one spelling
    /// per digest), else null.</summary>
    public static byte[]? TryParseSha256(string hex) =>
        hex.Length == 2 * SHA256.HashSizeInBytes && hex.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f')
            ? Convert.FromHexString(hex)
            : null;

    /// <summary>16 to 64 characters of base64url: enough randomness, bounded storage.</summary>
    public static bool IsValidNonce(string nonce) =>
        nonce.Length is >= 16 and <= 64 && nonce.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
