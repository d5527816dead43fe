using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Reporting.Format.Keys;

namespace Reporting.Format.Protocol;

/// <summary>The four headers of a signed request (reviewer and mailbox routes).</summary>
public sealed record SignedHeaders(string Key, string Timestamp, string Nonce, string Signature);

/// <summary>Signed requests (D10): an Ed25519 signature over method, path and query, a timestamp,
/// a nonce and the body's hash. See PROTOCOL.md.</summary>
public static class RequestSignature
{
    public const string KeyHeader = "Reporting-Key";
    public const string TimestampHeader = "Reporting-Timestamp";
    public const string NonceHeader = "Reporting-Nonce";
    public const string SignatureHeader = "Reporting-Signature";

    /// <summary>How far a request's clock may be from the server's: wide enough for a badly set
    /// laptop clock and a slow Tor circuit, narrow enough that the nonce set stays small.</summary>
    public static readonly TimeSpan AllowedSkew = TimeSpan.FromMinutes(5);

    /// <summary>Nonces are remembered this long: any request older is refused by its timestamp anyway
    /// (the skew either way, plus a minute so the edges never meet).</summary>
    public static readonly TimeSpan NonceLifetime = 2 * AllowedSkew + TimeSpan.FromMinutes(1);

    /// <summary>Domain separation: a signature made for a request can never pass as a roster or anything else.</summary>
    static readonly byte[] Context = "reporting request v1\n"u8.ToArray();

    /// <summary>The exact bytes that are signed.</summary>
    public static byte[] SignedBytes(string method, string pathAndQuery, long unixSeconds, string nonce, ReadOnlySpan<byte> bodySha256)
    {
        if (bodySha256.Length != SHA256.HashSizeInBytes)
            throw new ArgumentException("The body hash is a SHA-256 digest.", nameof(bodySha256));
        var text = string.Join('\n',
            method.ToUpperInvariant(),
            pathAndQuery,
            unixSeconds.ToString(CultureInfo.InvariantCulture),
            nonce,
            Convert.ToHexStringLower(bodySha256));
        return [.. Context, .. Encoding.UTF8.GetBytes(text)];
    }

    public static SignedHeaders Sign(SigningKey key, string method, string pathAndQuery, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        var unixSeconds = now.ToUnixTimeSeconds();
        var nonce = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18));
        var signature = key.Sign(SignedBytes(method, pathAndQuery, unixSeconds, nonce, SHA256.HashData(body)));
        return new SignedHeaders(
            key.PublicKey.ToString(),
            unixSeconds.ToString(CultureInfo.InvariantCulture),
            nonce,
            Convert.ToBase64String(signature));
    }

    /// <summary>A request carrying the four signature headers, and <paramref name="body"/> (if any) as octets.</summary>
    public static HttpRequestMessage CreateRequest(SigningKey key, HttpMethod method, string pathAndQuery, byte[]? body, DateTimeOffset now)
    {
        var signed = Sign(key, method.Method, pathAndQuery, body ?? [], now);
        var request = new HttpRequestMessage(method, pathAndQuery);
        request.Headers.Add(KeyHeader, signed.Key);
        request.Headers.Add(TimestampHeader, signed.Timestamp);
        request.Headers.Add(NonceHeader, signed.Nonce);
        request.Headers.Add(SignatureHeader, signed.Signature);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        }
        return request;
    }

    /// <summary>Checks the headers' syntax, the clock skew and the signature; the caller checks that the
    /// key is allowed and that the nonce is fresh. Returns false, never throws, on any bad input.</summary>
    public static bool Verify(PublicSigningKey key, SignedHeaders headers, string method, string pathAndQuery, ReadOnlySpan<byte> bodySha256, DateTimeOffset now)
    {
        if (!long.TryParse(headers.Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var unixSeconds)
            || headers.Timestamp != unixSeconds.ToString(CultureInfo.InvariantCulture))
            return false;
        if (Math.Abs(now.ToUnixTimeSeconds() - unixSeconds) > (long)AllowedSkew.TotalSeconds)
            return false;
        if (!IsValidNonce(headers.Nonce))
            return false;
        if (headers.Signature.Length != 88)
            return false;
        Span<byte> signature = stackalloc byte[66];
        if (!Convert.TryFromBase64String(headers.Signature, signature, out var written) || written != 64)
            return false;
        if (bodySha256.Length != SHA256.HashSizeInBytes)
            return false;
        return key.Verify(SignedBytes(method, pathAndQuery, unixSeconds, headers.Nonce, bodySha256), signature[..64]);
    }

    /// <summary>16 to 64 characters of base64url: enough randomness, bounded storage.</summary>
    public static bool IsValidNonce(string nonce) =>
        nonce.Length is >= 16 and <= 64 && nonce.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
