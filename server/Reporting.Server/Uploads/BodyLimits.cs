using Microsoft.AspNetCore.Http.Features;

namespace Reporting.Server.Uploads;

/// <summary>How large a request body Kestrel lets in: <see cref="Default"/> for every route, raised for a
/// request only by the two that take uploads (envelopes up to Reporting:MaxEnvelopeBytes, replies up to
/// Reporting:MaxReplyBytes; see <see cref="Intake"/>).</summary>
public static class BodyLimits
{
    /// <summary>Bodies of routes that do not raise it (only submissions and replies do).</summary>
    public const long Default = 64 << 10;

    /// <summary>Lets Kestrel take a body of up to <paramref name="limit"/> bytes, whatever the framing
    /// (chunked bodies have no Content-Length). Set before a route refuses without reading the body, too:
    /// Kestrel then drains the unread body (for at most a few seconds) and the client reads the refusal,
    /// where a body over the default limit would have the connection cut under a client still sending.</summary>
    public static void AllowUpTo(HttpContext context, long limit)
    {
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
            sizeFeature.MaxRequestBodySize = limit;
    }
}
