using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Reporting.Format.IO;
using Reporting.Report.Home;

namespace Reporting.Report.Outbox;

/// <summary>Sealed envelopes waiting for delivery: <c>NAME.age</c> (the ciphertext) and <c>NAME.json</c>
/// (an <see cref="OutboxEntry"/>). The description is written first and the envelope's rename
/// commits the entry, so a crash leaves either a whole entry or a stray description that is cleared.</summary>
sealed class ReportOutbox(string directory)
{
    public string Directory { get; } = directory;

    public static string NewIdempotencyKey() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18));

    public string EnvelopePath(OutboxEntry entry) => Path.Combine(Directory, entry.IdempotencyKey + ".age");
    string DescriptionPath(string key) => Path.Combine(Directory, key + ".json");

    /// <summary>Adds an envelope already written (as ciphertext) to <paramref name="pending"/>, which this commits.</summary>
    public void Add(OutboxEntry entry, AtomicFile pending)
    {
        Save(entry);
        pending.Commit();
        StampDay(EnvelopePath(entry), entry.Queued);
    }

    /// <summary>A pending file where the envelope for <paramref name="key"/> is sealed before it is added.</summary>
    public AtomicFile CreateEnvelope(string key)
    {
        System.IO.Directory.CreateDirectory(Directory);
        return AtomicFile.Create(Path.Combine(Directory, key + ".age"));
    }

    public void Save(OutboxEntry entry)
    {
        AtomicFile.Write(DescriptionPath(entry.IdempotencyKey), JsonSerializer.SerializeToUtf8Bytes(entry, HomeJson.Default.OutboxEntry), replace: true);
        StampDay(DescriptionPath(entry.IdempotencyKey), entry.Queued);
    }

    /// <summary>Sets a file's modification and access times to its day, so that no listing shows a time of
    /// day. Its birth and inode change times cannot be set by any program (the threat model says so).</summary>
    static void StampDay(string path, DateOnly day)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, midnight);
        File.SetLastAccessTimeUtc(path, midnight);
    }

    /// <summary>The entry whose key is <paramref name="key"/> (as <c>report outbox</c> lists it), or null.</summary>
    public OutboxEntry? Find(string key) => List().FirstOrDefault(e => e.IdempotencyKey == key);

    /// <summary>Removes a delivered or dropped entry, each file overwritten with zeros and synced first: a
    /// seized laptop's free blocks should not hand back an envelope that could be matched to the stored
    /// report. Best effort: on flash storage and copy-on-write file systems the old blocks may survive
    /// (the threat model says so).</summary>
    public void Remove(OutboxEntry entry)
    {
        Shred(EnvelopePath(entry));
        Shred(DescriptionPath(entry.IdempotencyKey));
    }

    static void Shred(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None, 0);
            var zeros = new byte[64 << 10];
            for (long left = file.Length; left > 0; left -= Math.Min(left, zeros.Length))
                file.Write(zeros, 0, (int)Math.Min(left, zeros.Length));
            file.Flush(flushToDisk: true);
        }
        catch (FileNotFoundException)
        {
            return;
        }
        catch (IOException)
        {
            // No room to overwrite (a full copy-on-write file system): removed all the same.
        }
        File.Delete(path);
    }

    /// <summary>The whole entries, oldest first. Stray descriptions and temporary files of an interrupted
    /// sealing are removed (they hold no plaintext, only clutter).</summary>
    public IReadOnlyList<OutboxEntry> List()
    {
        if (!System.IO.Directory.Exists(Directory))
            return [];
        foreach (var stray in System.IO.Directory.EnumerateFiles(Directory, ".*.partial"))
            if (File.GetLastWriteTimeUtc(stray) < DateTime.UtcNow.AddHours(-1))
                File.Delete(stray);

        var entries = new List<OutboxEntry>();
        foreach (var description in System.IO.Directory.EnumerateFiles(Directory, "*.json"))
        {
            var key = Path.GetFileNameWithoutExtension(description);
            OutboxEntry? entry = null;
            try
            {
                entry = JsonSerializer.Deserialize(QuietRead.AllBytes(description), HomeJson.Default.OutboxEntry);
            }
            catch (JsonException)
            {
            }
            if (entry is null || entry.IdempotencyKey != key)
                continue;
            if (!File.Exists(EnvelopePath(entry)))
            {
                if (File.GetLastWriteTimeUtc(description) < DateTime.UtcNow.AddHours(-1))
                    File.Delete(description);
                continue;
            }
            entries.Add(entry);
        }
        // Oldest day first; within a day in no particular order (the files carry no time of day).
        return [.. entries.OrderBy(e => e.Queued).ThenBy(e => e.IdempotencyKey, StringComparer.Ordinal)];
    }
}
