using System.Text.Json;
using System.Text.Json.Serialization;
using Reporting.Format.Bundles;
using Reporting.Format.IO;
using Reporting.Review.Places;
using Reporting.Review.Triage;

namespace Reporting.Review.Decrypting;

/// <summary><c>decrypted.json</c> beside a decrypted report: which envelope it came from (its SHA-256, so the
/// same envelope carried in twice, under any name, is not decrypted twice), what was wrong with it, and the day
/// the server received it (from fetch's manifest.json; null for a file carried in by hand).</summary>
sealed record DecryptionRecord(string Envelope, string Sha256, IReadOnlyList<string> Warnings, string? Received = null)
{
    public const string FileName = "decrypted.json";

    public void Save(string folder, bool replace = false) =>
        AtomicFile.Write(Path.Combine(folder, FileName), JsonSerializer.SerializeToUtf8Bytes(this, DecryptionJson.Default.DecryptionRecord), replace: replace);

    /// <summary>Null when the folder has no readable record (not one of ours, or damaged).</summary>
    public static DecryptionRecord? Load(string folder)
    {
        var path = Path.Combine(folder, FileName);
        try
        {
            return File.Exists(path) && new FileInfo(path).Length < (4 << 20)
                ? JsonSerializer.Deserialize(File.ReadAllBytes(path), DecryptionJson.Default.DecryptionRecord)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(DecryptionRecord))]
partial class DecryptionJson : JsonSerializerContext;

/// <summary>An attachment as saved on the offline machine: its inert file name and its size.</summary>
sealed record SavedAttachment(string Name, long Size);

/// <summary>One report folder under the output folder, as the index lists it: the source's words, and what the
/// tool made of them (<see cref="Place"/>, <see cref="Month"/>), the received day and the reviewers' mark.</summary>
sealed record DecryptedReport(string Id, ReportDocument Document, IReadOnlyList<SavedAttachment> Attachments, int WarningCount,
    string? Received, Place? Place, string? Month, TriageMark Triage)
{
    public int AttachmentCount => Attachments.Count;
    public bool IsSpam => Triage.Status == TriageBook.Spam;

    /// <summary>report.json was written by us, but its content came from a source: bounded and parsed strictly again.</summary>
    const long MaxReportJsonBytes = 4 << 20;

    /// <summary>Every decrypted report under <paramref name="outputFolder"/>, in folder-name order; folders
    /// that are not (or no longer) readable reports are left out. <paramref name="receivedDays"/> gives the
    /// received day by envelope file name for reports decrypted before their record kept it.</summary>
    public static IReadOnlyList<DecryptedReport> LoadAll(string outputFolder, IReadOnlyDictionary<string, string> receivedDays, TriageBook triage)
    {
        var reports = new List<DecryptedReport>();
        foreach (var folder in Directory.EnumerateDirectories(outputFolder).Order(StringComparer.Ordinal))
        {
            var id = Path.GetFileName(folder);
            var json = Path.Combine(folder, "report.json");
            if (id.StartsWith('.') || !File.Exists(json) || new FileInfo(json).Length > MaxReportJsonBytes)
                continue;
            ReportDocument document;
            try
            {
                document = ReportDocument.Parse(File.ReadAllBytes(json));
            }
            catch (InvalidDataException)
            {
                continue;
            }
            var attachments = Path.Combine(folder, "attachments");
            var saved = Directory.Exists(attachments)
                ? Directory.EnumerateFiles(attachments).Order(StringComparer.Ordinal).Select(f => new SavedAttachment(Path.GetFileName(f), new FileInfo(f).Length)).ToList()
                : [];
            var record = DecryptionRecord.Load(folder);
            var received = record?.Received ?? (record is null ? null : receivedDays.GetValueOrDefault(record.Envelope));
            // The day came from the server: kept only when it is a day, never shown as anything else.
            if (!DateOnly.TryParseExact(received, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _))
                received = null;
            reports.Add(new DecryptedReport(id, document, saved, record?.Warnings.Count ?? 0, received,
                Gazetteer.BuiltIn.Find(document.Region), ReportMonth.Parse(document.When), triage.Of(id)));
        }
        return reports;
    }
}
