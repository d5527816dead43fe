using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Reporting.Format.Protocol;

// The JSON messages the server answers with (PROTOCOL.md), camelCase on the wire. The server writes them;
// the tools read them as hostile input and check every field they use.

/// <summary><c>POST /api/v1/challenges</c> → 201: the token to hash, its difficulty, seconds to live (D7).</summary>
public sealed record IssuedChallenge(string Challenge, int Difficulty, int ExpiresIn);

/// <summary><c>POST /api/v1/reports</c> → 201: the stored report's id.</summary>
/// <param name="Day">The UTC day of this acknowledgement.</param>
/// <param name="Receipt">The server's Ed25519 signature over the id, the envelope's SHA-256 and the day
/// (<see cref="Receipts"/>), by the receipt key the roster lists.</param>
public sealed record SubmittedReport(string Id, string? Day = null, string? Receipt = null);

/// <summary>One entry of the reviewers' list. <see cref="Day"/> is the day it arrived (<see cref="WireDay"/>).</summary>
public sealed record ListedReport(string Id, string Day, long Size, int RosterVersion);

/// <summary><c>GET /api/v1/reports</c> → 200.</summary>
public sealed record ReportList(IReadOnlyList<ListedReport> Reports);

/// <summary><c>POST /api/v1/mailboxes/{mailbox}/replies</c> → 201: the stored reply's id.</summary>
public sealed record PostedReply(string Id);

/// <summary>One entry of a mailbox's list. <see cref="Day"/> is the day it arrived (<see cref="WireDay"/>).</summary>
public sealed record ListedReply(string Id, string Day, long Size);

/// <summary><c>GET /api/v1/mailboxes/{mailbox}/replies</c> → 200.</summary>
public sealed record ReplyList(IReadOnlyList<ListedReply> Replies);

/// <summary><c>GET /healthz</c> → 200 <c>{ "status": "ok" }</c>.</summary>
public sealed record HealthStatus(string Status);

/// <summary>Days cross the wire as <c>yyyy-MM-dd</c> (UTC), never a time (D6). The tools keep them as text:
/// a day from a server is shown or stored, never trusted as a date.</summary>
public static class WireDay
{
    public static string Of(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>Reads and writes the messages without reflection, so the tools can be trimmed and compiled
/// ahead of time. The web defaults are what HttpClient's and ASP.NET Core's JSON helpers use: camelCase names, read
/// without regard to case.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IssuedChallenge))]
[JsonSerializable(typeof(SubmittedReport))]
[JsonSerializable(typeof(ReportList))]
[JsonSerializable(typeof(PostedReply))]
[JsonSerializable(typeof(ReplyList))]
[JsonSerializable(typeof(HealthStatus))]
public partial class ProtocolJson : JsonSerializerContext;
