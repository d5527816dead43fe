using System.Text.Json;
using System.Text.Json.Serialization;
using Reporting.Report.Replies;

namespace Reporting.Report.Delivery;

/// <summary>The server's JSON answers as the tool reads them (web defaults: camelCase, any case),
/// source-generated so the tool needs no reflection (trimmed and Native AOT builds).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Courier.ChallengeAnswer))]
[JsonSerializable(typeof(Mailbox.Listing))]
sealed partial class WireJson : JsonSerializerContext;
