using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Reporting.Format.Keys;
using Reporting.Format.Protocol;

namespace Reporting.Cli.Network;

/// <summary>An HTTP connection to the reporting server, directly or through a SOCKS5 (Tor) or HTTP proxy.</summary>
public static class ServerConnection
{
    /// <summary>True for an onion service's name, however written (a trailing dot still resolves).</summary>
    public static bool IsOnion(Uri server) => server.Host.TrimEnd('.').EndsWith(".onion", StringComparison.OrdinalIgnoreCase);

    /// <summary>Plain HTTP only where nobody on the path can answer in the server's name: an onion
    /// service (Tor authenticates it by its address) or this machine. Anywhere else a forged
    /// "201 Created" would make a client drop a report it never delivered.</summary>
    public static bool IsPlainHttpSafe(Uri server) =>
        server.Scheme == "https" || IsOnion(server) || server.IsLoopback;

    /// <summary>socks5h (resolve names at the proxy) is what .NET's socks5 always does; it accepts only the latter.</summary>
    public static Uri NormaliseProxy(Uri proxy) =>
        proxy.Scheme == "socks5h" ? new UriBuilder(proxy) { Scheme = "socks5" }.Uri : proxy;

    /// <summary>The most of any answer read whole (lists, JSON messages); far above what an honest server sends.</summary>
    public const int MaxBufferedAnswerBytes = 1 << 20;

    /// <summary>What <see cref="Create"/> refuses, as a <see cref="ToolException"/>; also for an address that is
    /// handed on rather than used (an invite). An onion address without a proxy is refused: the request would
    /// leak the address to the local resolver and fail anyway.</summary>
    public static void Check(Uri server, Uri? proxy)
    {
        if (server.Scheme is not ("http" or "https"))
            throw new ToolException($"the server address {server} is not http or https");
        if (!IsPlainHttpSafe(server))
            throw new ToolException($"{server.Host} must be reached over https", "plain http is only for an .onion address (through Tor) or this computer");
        if (proxy is null && IsOnion(server))
            throw new ToolException("an .onion server needs Tor", "add --proxy socks5://127.0.0.1:9050 (Tor's SOCKS port)");
        if (proxy is not null && proxy.Scheme is not ("socks5" or "socks5h" or "http"))
            throw new ToolException($"unsupported proxy {proxy.Scheme}://", "use socks5://HOST:PORT (Tor) or http://HOST:PORT");
    }

    /// <summary>Builds a client for <paramref name="server"/>, after <see cref="Check"/>.</summary>
    public static HttpClient Create(Uri server, Uri? proxy, TimeSpan? timeout = null)
    {
        Check(server, proxy);
        var handler = new SocketsHttpHandler
        {
            // No cookies, no redirects: nothing the server or a middlebox sets follows a source around.
            UseCookies = false,
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        };
        if (proxy is not null)
        {
            var normalised = NormaliseProxy(proxy);
            handler.Proxy = new WebProxy(normalised) { Credentials = normalised.Scheme == "socks5" ? IsolationCredentials() : null };
            handler.UseProxy = true;
        }
        else
        {
            // Never pick up a system proxy silently: the user decides which channel a report takes.
            handler.UseProxy = false;
        }
        // No answer is buffered whole beyond a bound: a hostile server or middlebox gets no more of our memory.
        // Downloads of reports stream (ResponseHeadersRead) and are bounded by their listed size instead.
        var client = new HttpClient(handler) { BaseAddress = server, Timeout = timeout ?? TimeSpan.FromMinutes(5), MaxResponseContentBufferSize = MaxBufferedAnswerBytes };
        // A fixed, generic user agent: the same for every copy of the tool.
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("reporting", "1"));
        return client;
    }

    /// <summary>A SOCKS5 user name and password never used before (docs/DESIGN.md D11). Tor's IsolateSOCKSAuth, on by
    /// default, never puts streams with different SOCKS credentials on one circuit, and a client made here opens
    /// its own connections: so each client (the tools make one per report delivered, per mailbox session and per
    /// answer pushed) has circuits of its own, and no exit or onion service sees two of them arrive together.
    /// Other SOCKS5 proxies accept the credentials or the unauthenticated method .NET offers beside them.</summary>
    static NetworkCredential IsolationCredentials() =>
        new(Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(12)), Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(12)));

    /// <summary>Sends a request signed with <paramref name="key"/> (D10).</summary>
    public static Task<HttpResponseMessage> SendSignedAsync(this HttpClient client, SigningKey key, HttpMethod method, string pathAndQuery, byte[]? body, CancellationToken cancellationToken) =>
        client.SendAsync(RequestSignature.CreateRequest(key, method, pathAndQuery, body, DateTimeOffset.UtcNow),
            HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    /// <summary>The whole body, or null when it is (or says it is) longer than <paramref name="limit"/>:
    /// a hostile server or middlebox gets no more of our memory than that.</summary>
    public static async Task<byte[]?> ReadBoundedAsync(HttpContent content, long limit, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > limit)
            return null;
        await using var body = await content.ReadAsStreamAsync(cancellationToken);
        using var copy = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (copy.Length + read > limit)
                return null;
            copy.Write(buffer, 0, read);
        }
        return copy.ToArray();
    }

    /// <summary>Turns a refused response into a message the user can act on.</summary>
    public static void EnsureAccepted(HttpResponseMessage response, string what)
    {
        if (response.IsSuccessStatusCode)
            return;
        var status = (int)response.StatusCode;
        throw response.StatusCode switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new ToolException(
                $"the server refused to {what} ({status})",
                "check that this access key is in the current roster and that this machine's clock is right"),
            HttpStatusCode.NotFound => new ToolException($"the server has nothing to {what} ({status})"),
            HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable => new ToolException(
                $"the server is busy and could not {what} ({status})", "try again in a few minutes"),
            _ => new ToolException($"the server could not {what} ({status})"),
        };
    }

    /// <summary>Wraps network failures (refused, reset, timed out, proxy down) in a plain message.</summary>
    public static async Task<T> Network<T>(Uri server, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (HttpRequestException e)
        {
            throw new ToolException($"could not reach {server.GetLeftPart(UriPartial.Authority)}: {e.Message}",
                "check the address, your connection and the proxy (--proxy)");
        }
        catch (TaskCanceledException)
        {
            throw new ToolException($"{server.GetLeftPart(UriPartial.Authority)} did not answer in time", "try again later, or through another channel");
        }
    }

    public static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
