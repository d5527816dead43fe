using System.Text.Json;
using System.Text.Json.Serialization;
using Reporting.Cli;
using Reporting.Format.IO;

namespace Reporting.Review.Triage;

/// <summary>What a reviewer decided about one report: its status, an optional note, and the day it was set.</summary>
sealed record TriageMark(string Status, string? Note, string Day);

sealed record TriageFile(IReadOnlyDictionary<string, TriageMark> Reports);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(TriageFile))]
partial class TriageJson : JsonSerializerContext;

/// <summary><c>triage.json</c> in the decrypted-reports folder: each report's status as <c>review mark</c> set it.
/// It is the reviewers' own work, kept apart from what decrypt writes, so decrypting again (new reports, another
/// language) never loses it; it stays on the offline machine with the plaintext and goes to no server.</summary>
sealed class TriageBook
{
    public const string FileName = "triage.json";

    public const string New = "new";
    public const string Spam = "spam";

    /// <summary>The statuses a report can have, in the order a reviewer moves through them.</summary>
    public static readonly IReadOnlyList<string> Statuses = [New, "read", "follow-up", Spam];

    /// <summary>A note is a reminder, not a second report: long enough for a sentence or two.</summary>
    public const int MaxNoteLength = 2000;

    /// <summary>Far above any real folder's marks; a larger file is not ours.</summary>
    const long MaxFileBytes = 16 << 20;

    readonly string path;
    readonly Dictionary<string, TriageMark> marks;

    TriageBook(string path, Dictionary<string, TriageMark> marks) => (this.path, this.marks) = (path, marks);

    public static TriageBook Load(string outputFolder)
    {
        var path = Path.Combine(outputFolder, FileName);
        if (!File.Exists(path))
            return new TriageBook(path, new(StringComparer.Ordinal));
        TriageFile? file = null;
        try
        {
            if (new FileInfo(path).Length <= MaxFileBytes)
                file = JsonSerializer.Deserialize(File.ReadAllBytes(path), TriageJson.Default.TriageFile);
        }
        catch (JsonException)
        {
        }
        if (file?.Reports is null || file.Reports.Values.Any(m => m is null || !Statuses.Contains(m.Status)))
            throw new ToolException($"{path} is damaged, so the reports' statuses cannot be read",
                "restore it from a backup, or move it away to start the statuses afresh (every report is then new)");
        return new TriageBook(path, new(file.Reports, StringComparer.Ordinal));
    }

    /// <summary>The report's mark; a report nobody marked is new.</summary>
    public TriageMark Of(string reportId) => marks.GetValueOrDefault(reportId) ?? new TriageMark(New, null, "");

    public void Mark(string reportId, string status, string? note, DateOnly day)
    {
        if (!Statuses.Contains(status))
            throw new ArgumentException($"unknown status {status}", nameof(status));
        // A status changed without --note keeps the note written before.
        var kept = note ?? marks.GetValueOrDefault(reportId)?.Note;
        marks[reportId] = new TriageMark(status, string.IsNullOrEmpty(kept) ? null : kept, Reporting.Format.Protocol.WireDay.Of(day));
    }

    /// <summary>Written whole or not at all, readable by the reviewer's account only (it sits beside plaintext).</summary>
    public void Save()
    {
        var ordered = new TriageFile(new SortedDictionary<string, TriageMark>(marks, StringComparer.Ordinal));
        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(ordered, TriageJson.Default.TriageFile), replace: true);
    }
}
