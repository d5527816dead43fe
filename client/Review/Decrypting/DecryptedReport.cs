using System.Text.Json;
using System.Text.Json.Serialization;
using Reporting.Format.Bundles;
using Reporting.Format.IO;

namespace Reporting.Review.Decrypting;

/// <summary><c>decrypted.json</c> beside a decrypted report: which envelope it came from (its SHA-256, so the
/// same envelope carried in twice, under any name, is not decrypted twice) and what was wrong with it.</summary>
sealed record DecryptionRecord(string Envelope, string Sha256, IReadOnlyList<string> Warnings)
{
    public const string FileName = "decrypted.json";

    public void Save(string folder) => AtomicFile.Write(Path.Combine(folder, FileName), JsonSerializer.SerializeToUtf8Bytes(this, DecryptionJson.Default.DecryptionRecord));

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

/// <summary>One report folder under the output folder, as the index lists it.</summary>
sealed record DecryptedReport(string Id, ReportDocument Document, int AttachmentCount, int WarningCount)
{
    /// <summary>report.json was written by us, but its content came from a source: bounded and parsed strictly again.</summary>
    const long MaxReportJsonBytes = 4 << 20;

    /// <summary>Every decrypted report under <paramref name="outputFolder"/>, in folder-name order; folders
    /// that are not (or no longer) readable reports are left out.</summary>
    public static IReadOnlyList<DecryptedReport> LoadAll(string outputFolder)
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
            var count = Directory.Exists(attachments) ? Directory.EnumerateFiles(attachments).Count() : 0;
            reports.Add(new DecryptedReport(id, document, count, DecryptionRecord.Load(folder)?.Warnings.Count ?? 0));
        }
        return reports;
    }
}
