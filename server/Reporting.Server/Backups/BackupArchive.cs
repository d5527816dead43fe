using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Reporting.Server.Storage;
using Reporting.Server.Storage.Sqlite;

namespace Reporting.Server.Backups;

/// <summary>A backup file: a plain tar (ciphertext does not compress) that says what it is in its first entry
/// and lists the size and SHA-256 of everything else in its last:
/// <code>
///   reporting-server-backup   "reporting-server backup 1\n"
///   blobs/&lt;id&gt; …              each report's or reply's ciphertext, as stored, in id order
///   reports.db                the SQLite database (ids, days, sizes, roster versions, one-time values)
///   manifest.json             { "format", "version", "schema", "entries": [{ "name", "size", "sha256" }] }
/// </code>
/// Entries are plain files, mode 0600, owner 0:0, dated to a day (a ciphertext to its own, the rest to the
/// backup's); nothing in it records a time of day. The manifest finds damage, not a forger: whoever can
/// write the file can write a matching manifest, so keep backups where only the operator can write.</summary>
static class BackupArchive
{
    public const string MarkerName = "reporting-server-backup";
    public const string ManifestName = "manifest.json";
    public const string DatabaseName = DataFolder.DatabaseFile;
    public const string Format = "reporting-server-backup";
    public const int Version = 1;

    static readonly byte[] Marker = "reporting-server backup 1\n"u8.ToArray();

    /// <summary>The entry names format 1 was defined with, when each item was a file under <c>blobs/</c>;
    /// kept so the format stays the same (only the name: items now live in the ciphertext volume).</summary>
    const string ItemPrefix = "blobs/";

    /// <summary>ustar holds sizes below 8 GiB; a larger envelope (MaxEnvelopeBytes allows 16 GiB) takes pax.</summary>
    const long UstarMaxSize = (8L << 30) - 1;

    public static string ItemName(string id) => ItemPrefix + id;

    /// <summary>The id a ciphertext entry is named for, or null when the name is not one (a path, anything else).</summary>
    public static string? IdOf(string name) =>
        name.StartsWith(ItemPrefix, StringComparison.Ordinal) && RandomId.IsValid(name[ItemPrefix.Length..]) ? name[ItemPrefix.Length..] : null;

    /// <summary>Writes the marker, the first entry of every backup.</summary>
    public static void WriteMarker(TarWriter tar, DateOnly day) => tar.WriteEntry(Entry(MarkerName, Marker.Length, day, new MemoryStream(Marker)));

    /// <summary>Writes <paramref name="data"/> (a file: seekable) to its end as the entry <paramref name="name"/>;
    /// returns the size and SHA-256 of what was read.</summary>
    public static BackupEntry Write(TarWriter tar, string name, long expectedSize, DateOnly day, Stream data)
    {
        using var sha = SHA256.Create();
        using var hashed = new CryptoStream(data, sha, CryptoStreamMode.Read, leaveOpen: true);
        var start = data.Position;
        tar.WriteEntry(Entry(name, expectedSize, day, hashed));
        return new BackupEntry(name, data.Position - start, Convert.ToHexStringLower(sha.Hash!));
    }

    public static void WriteManifest(TarWriter tar, DateOnly day, int schema, IReadOnlyList<BackupEntry> entries)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new BackupManifest(Format, Version, schema, entries), BackupJson.Default.BackupManifest);
        tar.WriteEntry(Entry(ManifestName, json.Length, day, new MemoryStream(json)));
    }

    static TarEntry Entry(string name, long size, DateOnly day, Stream data)
    {
        TarEntry entry = size <= UstarMaxSize ? new UstarTarEntry(TarEntryType.RegularFile, name) : new PaxTarEntry(TarEntryType.RegularFile, name);
        entry.Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        entry.ModificationTime = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        entry.DataStream = data;
        return entry;
    }

    /// <summary>Reads a backup from its start to its end: checks the marker, hands each entry up to the manifest
    /// to <paramref name="extract"/> (name, size, data; whatever it leaves unread is read here), and checks every
    /// entry's name, size and SHA-256 against the manifest. Throws <see cref="OperatorError"/> for anything that
    /// is not a whole backup of this format.</summary>
    public static BackupManifest Read(Stream archive, string path, Action<string, long, Stream> extract)
    {
        try
        {
            using var reader = new TarReader(archive, leaveOpen: true);
            if (!StartsWithMarker(reader))
                throw NotABackup(path);
            var found = new HashSet<BackupEntry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            BackupManifest? manifest = null;
            while (reader.GetNextEntry() is { } entry)
            {
                if (manifest is not null || entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                    throw Damaged(path, $"it holds '{entry.Name}' where none belongs");
                if (entry.Name == ManifestName)
                {
                    manifest = JsonSerializer.Deserialize(ReadAll(entry, MaxManifestBytes), BackupJson.Default.BackupManifest);
                    continue;
                }
                if ((entry.Name != DatabaseName && IdOf(entry.Name) is null) || !names.Add(entry.Name))
                    throw Damaged(path, $"it holds '{entry.Name}' where none belongs");
                using var sha = SHA256.Create();
                using (var hashed = new CryptoStream(entry.DataStream ?? Stream.Null, sha, CryptoStreamMode.Read, leaveOpen: true))
                {
                    extract(entry.Name, entry.Length, hashed);
                    hashed.CopyTo(Stream.Null);
                }
                found.Add(new BackupEntry(entry.Name, entry.Length, Convert.ToHexStringLower(sha.Hash!)));
            }
            if (manifest?.Entries is null)
                throw Damaged(path, "it ends before its manifest (cut short?)");
            if (manifest.Format != Format || manifest.Version != Version)
                throw new OperatorError($"{path} is a backup of format {manifest.Format} {manifest.Version}; this server reads {Format} {Version}.",
                    "restore it with the server version that made it, or a newer one.");
            if (manifest.Entries.FirstOrDefault(expected => !found.Contains(expected)) is { } differs)
                throw Damaged(path, $"'{differs.Name}' is missing or does not hold the bytes the manifest lists (SHA-256)");
            var listed = manifest.Entries.ToHashSet();
            if (found.FirstOrDefault(entry => !listed.Contains(entry)) is { } extra)
                throw Damaged(path, $"it holds '{extra.Name}', which the manifest does not list");
            if (!names.Contains(DatabaseName))
                throw Damaged(path, "it holds no database");
            return manifest;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or JsonException or ArgumentException)
        {
            throw Damaged(path, "its tar structure or manifest cannot be read (cut short or altered?)");
        }
    }

    static bool StartsWithMarker(TarReader reader)
    {
        try
        {
            return reader.GetNextEntry() is { Name: MarkerName } first && ReadAll(first, Marker.Length).SequenceEqual(Marker);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ArgumentException)
        {
            return false; // not a tar at all
        }
    }

    /// <summary>About 110 bytes a report: room for two million, read into memory at the end of a restore.</summary>
    const int MaxManifestBytes = 256 << 20;

    static byte[] ReadAll(TarEntry entry, int limit)
    {
        using var copy = new MemoryStream();
        if (entry.Length > limit)
            throw new InvalidDataException("entry too large");
        entry.DataStream?.CopyTo(copy);
        return copy.ToArray();
    }

    static OperatorError NotABackup(string path) =>
        new($"{path} is not a backup made by reporting-server (it does not start with its marker).", "give the file that `backup --out` wrote.");

    public static OperatorError Damaged(string path, string what) =>
        new($"{path} is damaged: {what}; nothing was restored.", "take another backup, or an older copy of this one; `restore` checks every byte before it keeps any.");
}

sealed record BackupManifest(string Format, int Version, int Schema, IReadOnlyList<BackupEntry> Entries);

/// <param name="Sha256">Lowercase hex.</param>
sealed record BackupEntry(string Name, long Size, string Sha256);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BackupManifest))]
partial class BackupJson : JsonSerializerContext;
