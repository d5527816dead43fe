using System.Net.Http;
using System.Net.Sockets;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Reporting.Report.Text;

namespace Reporting.Report.Delivery;

/// <summary>What went wrong on the way to the server, in the user's language ("Connection refused" and "Broken pipe"
/// mean nothing to most people, and nothing at all in English to a Korean or Chinese reader).</summary>
static class NetworkProblem
{
    public static string Describe(Exception e) => e switch
    {
        TimeoutRejectedException or OperationCanceledException => UiText.Get("NetTimedOut"),
        BrokenCircuitException => UiText.Get("NetUnreachable"),
        // The detail (what was wrong with the answer) stays, for whoever helps the source.
        ProtocolException => $"{UiText.Get("NetNotTheServer")} ({e.Message})",
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => UiText.Get("NetNameNotFound"),
        HttpRequestException { HttpRequestError: HttpRequestError.ProxyTunnelError } => UiText.Get("NetProxy"),
        HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => UiText.Get("NetSecureConnection"),
        HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } => UiText.Get("NetConnectionLost"),
        HttpRequestException { InnerException: { } inner } => Describe(inner),
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => UiText.Get("NetRefused"),
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } => UiText.Get("NetNameNotFound"),
        SocketException { SocketErrorCode: SocketError.TimedOut } => UiText.Get("NetTimedOut"),
        SocketException { SocketErrorCode: SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.NetworkDown } => UiText.Get("NetNoNetwork"),
        SocketException => UiText.Get("NetConnectionLost"),
        IOException { InnerException: { } inner } => Describe(inner),
        // A pipe broken or a connection reset half-way through an upload.
        IOException => UiText.Get("NetConnectionLost"),
        _ => e.Message,
    };
}
