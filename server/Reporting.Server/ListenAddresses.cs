using System.Net;

namespace Reporting.Server;

/// <summary>Where the server listens. Loopback is expected (docs/DESIGN.md §2): Tor's onion service or a
/// reverse proxy on the same machine is the way in, so the network never sees a source's address and the
/// proxy's limits stand in front. Anything else is allowed, but said.</summary>
public static class ListenAddresses
{
    /// <summary>Logs a warning for each address bound that is not loopback (a wildcard such as 0.0.0.0 is not).</summary>
    public static void WarnIfNotLoopback(IEnumerable<string> addresses, ILogger log)
    {
        foreach (var address in addresses.Where(a => !IsLoopback(a)))
            log.LogWarning("Listening on {Address}, which is not a loopback address: anyone who can reach this machine reaches the server directly, " +
                "and the network sees every source's address. The server is meant to listen on loopback (--urls http://127.0.0.1:5080) behind " +
                "a Tor onion service or a reverse proxy on this machine.", address);
    }

    /// <summary>True for localhost, 127.0.0.0/8, ::1 and Unix sockets.</summary>
    public static bool IsLoopback(string address)
    {
        if (address.Contains("://unix:", StringComparison.Ordinal))
            return true;
        // Kestrel's wildcards (http://+:80, http://*:80) are not URIs; they are every address.
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri))
            return false;
        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }
}
