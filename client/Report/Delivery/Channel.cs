using Reporting.Cli;
using Reporting.Cli.Network;
using Reporting.Report.Text;

namespace Reporting.Report.Delivery;

/// <summary>How the client reaches the server (D11): directly, through a SOCKS5 proxy (Tor) or through
/// an HTTP proxy. Refuses an onion address without a proxy rather than leak the lookup to the local resolver.</summary>
sealed class Channel
{
    public Uri Server { get; }
    public Uri? Proxy { get; }

    Channel(Uri server, Uri? proxy) => (Server, Proxy) = (server, proxy);

    public static Uri ParseServer(string text)
    {
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
            throw new ToolException(UiText.Format("BadServerUrl", text), UiText.Get("HintServerUrl"));
        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
            throw new ToolException(UiText.Format("BadServerUrl", text), UiText.Get("HintServerUrl"));
        // A trailing slash so that relative routes stay under a path prefix (https://host/reporting/).
        var builder = new UriBuilder(uri);
        if (!builder.Path.EndsWith('/'))
            builder.Path += "/";
        return builder.Uri;
    }

    public static Uri? ParseProxy(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host) || uri.IsDefaultPort && uri.Scheme != "http")
            throw new ToolException(UiText.Format("BadProxyUrl", text), UiText.Get("HintProxyUrl"));
        return uri.Scheme switch
        {
            // .NET always lets a SOCKS5 proxy resolve host names, which is what socks5h asks for.
            "socks5" or "socks5h" => ServerConnection.NormaliseProxy(uri),
            "http" => uri,
            _ => throw new ToolException(UiText.Format("BadProxyUrl", text), UiText.Get("HintProxyUrl")),
        };
    }

    public static Channel Create(string server, string? proxy)
    {
        var serverUri = ParseServer(server);
        var proxyUri = ParseProxy(proxy);
        if (!ServerConnection.IsPlainHttpSafe(serverUri))
            throw new ToolException(UiText.Format("PlainHttpRefused", serverUri.Host), UiText.Get("HintPlainHttp"));
        if (proxyUri is null && ServerConnection.IsOnion(serverUri))
            throw new ToolException(UiText.Get("OnionWithoutProxy"), UiText.Get("HintOnionProxy"));
        return new Channel(serverUri, proxyUri);
    }

    /// <summary>An HTTP client for this channel. Timeouts are the delivery pipeline's, so none here.</summary>
    public HttpClient CreateClient() => ServerConnection.Create(Server, Proxy, Timeout.InfiniteTimeSpan);
}
