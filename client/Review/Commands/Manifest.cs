using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Reporting.Format.IO;

namespace Reporting.Review.Commands;

sealed record ManifestEntry(string Id, string Day, long Size, string Sha256, int RosterVersion);
sealed record ManifestFile(IReadOnlyList<ManifestEntry> Reports);
sealed record PendingReply(string Mailbox);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(ManifestFile))]
[JsonSerializable(typeof(PendingReply))]
partial class ManifestJson : JsonSerializerContext;

/// <summary><c>manifest.json</c> beside the fetched files: what was downloaded, its size and hash, so the
/// offline side and a later fetch can tell a whole file from a damaged one.</summary>
sealed class Manifest
{
    const string FileName = "manifest.json";
    readonly Dictionary<string, ManifestEntry> entries;

    Manifest(IEnumerable<ManifestEntry> entries) => this.entries = entries.ToDictionary(e => e.Id);

    public static Manifest Load(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
            return new Manifest([]);
        try
        {
            var file = JsonSerializer.Deserialize(File.ReadAllBytes(path), ManifestJson.Default.ManifestFile);
            return new Manifest(file?.Reports ?? []);
        }
        catch (JsonException)
        {
            throw new Reporting.Cli.ToolException($"{path} is damaged", "move it away; the next fetch rebuilds it");
        }
    }

    /// <summary>The day the server received each report, by its file name (<c>ID.age</c>).</summary>
    public IReadOnlyDictionary<string, string> ReceivedDays() => entries.Values.ToDictionary(e => e.Id + ".age", e => e.Day, StringComparer.Ordinal);

    public void Add(ManifestEntry entry) => entries[entry.Id] = entry;

    /// <summary>True when the file at <paramref name="path"/> is the one the manifest describes, byte for byte.</summary>
    public bool Verify(string id, string path)
    {
        if (!entries.TryGetValue(id, out var entry) || !File.Exists(path))
            return false;
        using var file = File.OpenRead(path);
        return file.Length == entry.Size && Convert.ToHexStringLower(SHA256.HashData(file)) == entry.Sha256;
    }

    public void Save(string folder)
    {
        var path = Path.Combine(folder, FileName);
        var ordered = new ManifestFile(entries.Values.OrderBy(e => e.Day, StringComparer.Ordinal).ThenBy(e => e.Id, StringComparer.Ordinal).ToList());
        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(ordered, ManifestJson.Default.ManifestFile), AtomicFile.Public, replace: true);
    }
}
