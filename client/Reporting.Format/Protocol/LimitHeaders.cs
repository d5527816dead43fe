namespace Reporting.Format.Protocol;

/// <summary>What a server publishes of its limits, as headers of the roster's answer (<c>GET /api/v1/roster</c>,
/// PROTOCOL.md "Limits"): a client reads them with the roster, at no extra connection, and refuses a report
/// that cannot pass before it seals it.</summary>
public static class LimitHeaders
{
    /// <summary>The largest envelope (sealed and padded report) the server takes, in bytes, decimal.</summary>
    public const string MaxEnvelopeBytes = "Reporting-Max-Envelope-Bytes";
}
