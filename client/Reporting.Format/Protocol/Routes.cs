namespace Reporting.Format.Protocol;

/// <summary>The server's routes (PROTOCOL.md), as the absolute paths the server maps and a signed request
/// signs. A client that keeps a path prefix in the server address (https://host/reporting/) resolves them
/// with <see cref="Relative"/> instead.</summary>
public static class Routes
{
    /// <summary>Every route but <see cref="Health"/> lives under this version prefix.</summary>
    public const string Api = "/api/v1";

    /// <summary>POST: a proof-of-work challenge.</summary>
    public const string Challenges = Api + "/challenges";

    /// <summary>POST: a submission (public, proof of work); GET: the reviewers' list (signed).</summary>
    public const string Reports = Api + "/reports";

    /// <summary>GET: the current signed roster, byte for byte.</summary>
    public const string Roster = Api + "/roster";

    /// <summary>GET: the reviewers' signed statement that the current roster is current, byte for byte.</summary>
    public const string RosterFreshness = Roster + "/freshness";

    /// <summary>GET <c>/{version}</c>: an earlier roster this server served.</summary>
    public const string Rosters = Api + "/rosters";

    /// <summary>GET: liveness, and nothing else.</summary>
    public const string Health = "/healthz";

    /// <summary>GET or DELETE one report (signed by an access key).</summary>
    public static string Report(string id) => $"{Reports}/{id}";

    /// <summary>POST (signed by an access key) or GET (signed by the mailbox key): a mailbox's replies.
    /// <paramref name="mailbox"/> is written as given: escape it if it comes from outside.</summary>
    public static string Replies(string mailbox) => $"{Api}/mailboxes/{mailbox}/replies";

    /// <summary>GET or DELETE one reply (signed by the mailbox key).</summary>
    public static string Reply(string mailbox, string id) => $"{Replies(mailbox)}/{id}";

    /// <summary>The route relative to a server address that ends in a slash, so a path prefix in it is kept.</summary>
    public static string Relative(string route) => route.TrimStart('/');
}
