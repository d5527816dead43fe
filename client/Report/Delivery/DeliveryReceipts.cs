using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Reporting.Format.IO;
using Reporting.Format.Keys;
using Reporting.Format.Protocol;
using Reporting.Format.Rosters;

namespace Reporting.Report.Delivery;

/// <summary>What a 201 must carry before the client believes a delivery (docs/DESIGN.md D3): when the roster
/// lists the server's receipt key, a receipt signed by it over the id, this envelope's SHA-256 and a day
/// within one of today. Believed receipts go, one JSON line each, to the <c>--receipt</c> file when one is
/// given: an intermediary's proof that the server took what it carried.</summary>
sealed class DeliveryReceipts(PublicSigningKey? key, string? file)
{
    public static DeliveryReceipts For(Roster roster, string? file) =>
        new(roster.ReceiptKey is { } listed ? PublicSigningKey.Parse(listed, SigningKeyKind.Receipt) : null, file);

    public bool Believe(SubmittedReport answer, string envelopePath)
    {
        string sha256;
        using (var envelope = QuietRead.Open(envelopePath))
            sha256 = Convert.ToHexStringLower(SHA256.HashData(envelope));
        // A roster without a receipt key leaves the 201 resting on TLS (or Tor's onion address), as before.
        if (key is not null && (!Receipts.Verify(key, answer.Id, sha256, answer.Day, answer.Receipt) || !NearToday(answer.Day!)))
            return false;
        Keep(answer, sha256);
        return true;
    }

    /// <summary>A day the server could have written now: today, or one either side (time zones, clocks).</summary>
    static bool NearToday(string day) =>
        DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
        && Math.Abs(parsed.DayNumber - DateOnly.FromDateTime(DateTime.UtcNow).DayNumber) <= 1;

    void Keep(SubmittedReport answer, string sha256)
    {
        if (file is null)
            return;
        var line = JsonSerializer.SerializeToUtf8Bytes(
            new KeptReceipt(answer.Id, sha256, answer.Day, answer.Receipt, key?.ToString()), ReceiptJson.Default.KeptReceipt);
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = AtomicFile.Private;
        using var stream = new FileStream(file, options);
        stream.Write(line);
        stream.WriteByte((byte)'\n');
        stream.Flush(flushToDisk: true);
    }
}

/// <summary>One line of a <c>--receipt</c> file: enough for anyone holding the roster to check it later.</summary>
sealed record KeptReceipt(string? Id, string Sha256, string? Day, string? Receipt, string? ReceiptKey);

/// <summary>Receipt lines are compact JSON, one per line, source-generated for trimmed and AOT builds.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(KeptReceipt))]
sealed partial class ReceiptJson : JsonSerializerContext;
