using System.Formats.Tar;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Reporting.Server.Storage;
using Reporting.Server.Storage.Sqlite;
using static Reporting.Server.Storage.Sqlite.SqliteSql;

namespace Reporting.Server.Backups;

/// <summary>An online backup of a SQLite data folder (<see cref="BackupArchive"/>), taken while the server
/// keeps taking reports. The database is copied by SQLite's backup API, a consistent snapshot; then each item
/// it lists is read from the ciphertext volume at the place its row gives. Every report acknowledged before
/// the backup began is in it: a row is committed only after its bytes are written whole. A reviewer or
/// retention may delete an item meanwhile, and deletion removes the row, then overwrites the item's place with
/// zeros (and may give it to a new item): so each item is checked, once copied, to be still listed by the live
/// database; one that is not is cut from the backup and its row from the snapshot. What is verified: each
/// item's size against its row, its SHA-256 against the row's where the row still holds one (submissions not
/// yet known durable), and then the whole finished file is read back and every entry checked against the
/// SHA-256 of the bytes read from the volume. The Data Protection key ring is left out: it only protects
/// proof-of-work tokens that live minutes, and in a backup it would let whoever holds the backup skip the
/// work; a restored server makes a new one.</summary>
static class SqliteBackup
{
    public sealed record Written(int Items, long CiphertextBytes, long FileBytes);

    public static Written Write(string dataDir, string outFile, DateOnly today)
    {
        var database = Path.GetFullPath(Path.Combine(dataDir, DataFolder.DatabaseFile));
        if (!File.Exists(database))
            throw new OperatorError($"there is no database at {database}.", "run backup with the server's own configuration (Reporting:DataDir).");
        outFile = Path.GetFullPath(outFile);
        if (File.Exists(outFile) || Directory.Exists(outFile))
            throw new OperatorError($"{outFile} exists; a backup never replaces a file.", "give a new name, e.g. one with today's date.");
        // Beside the backup, owner-only, and removed whatever happens; an interrupted backup's leftovers go first.
        var partial = outFile + ".partial";
        var snapshot = outFile + ".snapshot";
        File.Delete(partial);
        File.Delete(snapshot);
        var written = false;
        try
        {
            using (new FileStream(snapshot, DataFolder.PrivateNewFile(FileAccess.Write))) { }
            using var live = Open(Connection(database, SqliteOpenMode.ReadWrite));
            CheckSchema(live, database);
            using (var copy = Open(Connection(snapshot, SqliteOpenMode.ReadWrite)))
                live.BackupDatabase(copy);
            long fileBytes;
            int items;
            long ciphertext;
            using (var archive = new FileStream(partial, DataFolder.PrivateNewFile(FileAccess.ReadWrite)))
            {
                (items, ciphertext) = WriteArchive(archive, live, dataDir, snapshot, today);
                archive.Flush(flushToDisk: true);
                archive.Position = 0;
                BackupArchive.Read(archive, outFile, (_, _, _) => { });
                fileBytes = archive.Length;
            }
            File.Move(partial, outFile);
            written = true;
            return new Written(items, ciphertext, fileBytes);
        }
        finally
        {
            foreach (var suffix in new[] { "", "-journal", "-wal", "-shm" })
                File.Delete(snapshot + suffix);
            if (!written)
                File.Delete(partial);
        }
    }

    static (int Items, long Ciphertext) WriteArchive(FileStream archive, SqliteConnection live, string dataDir, string snapshot, DateOnly today)
    {
        using var tar = new TarWriter(archive, TarEntryFormat.Ustar, leaveOpen: true);
        BackupArchive.WriteMarker(tar, today);
        var entries = new List<BackupEntry>();
        var cut = new List<string>();
        var volumePath = Path.Combine(dataDir, CiphertextVolume.FileName);
        using var volume = CiphertextVolume.OpenForReading(volumePath);
        List<(string Id, DateOnly Day, long Place, long Size, byte[]? Sha256)> items;
        using (var copy = Open(Connection(snapshot, SqliteOpenMode.ReadWrite)))
            items = Items(copy);
        foreach (var (id, day, place, size, sha256) in items)
        {
            var start = archive.Position;
            BackupEntry entry;
            using (var bytes = CiphertextVolume.Read(volume, place, size))
                entry = BackupArchive.Write(tar, BackupArchive.ItemName(id), size, day, bytes);
            if (!IsListed(live, id))
            {
                // Deleted since the snapshot, perhaps while it was read: none of it may stay.
                archive.SetLength(start);
                archive.Position = start;
                cut.Add(id);
                continue;
            }
            if (entry.Size != size || (sha256 is not null && entry.Sha256 != Convert.ToHexStringLower(sha256)))
                throw new OperatorError($"the ciphertext of {id} in {volumePath} is cut short or does not match its row; no backup was written.",
                    "stop the server, start it again (it removes what a crash left unfinished), then take the backup.");
            entries.Add(entry);
        }
        using (var copy = Open(Connection(snapshot, SqliteOpenMode.ReadWrite)))
            Settle(copy, cut);
        using (var database = File.OpenRead(snapshot))
            entries.Add(BackupArchive.Write(tar, BackupArchive.DatabaseName, database.Length, today, database));
        BackupArchive.WriteManifest(tar, today, SqliteSchema.Version, entries);
        return (items.Count - cut.Count, entries.Where(e => e.Name != BackupArchive.DatabaseName).Sum(e => e.Size));
    }

    static void CheckSchema(SqliteConnection live, string database)
    {
        var version = Convert.ToInt32(Scalar(live, "PRAGMA user_version;"), CultureInfo.InvariantCulture);
        if (version != SqliteSchema.Version)
            throw new OperatorError($"the database at {database} has schema {version}; this server writes and backs up schema {SqliteSchema.Version}.",
                version < SqliteSchema.Version ? "start this server on it once (it upgrades the data folder), then take the backup." : "take the backup with the server version that runs on it.");
    }

    /// <summary>Every report and reply in id order (so the backup's order says nothing of arrival), with its
    /// place in the volume and the SHA-256 of those still marked pending.</summary>
    static List<(string, DateOnly, long, long, byte[]?)> Items(SqliteConnection snapshot)
    {
        using var command = Command(snapshot, """
            SELECT i.id, i.day, i.place, i.size, p.sha256
            FROM (SELECT id, day, place, size FROM reports UNION ALL SELECT id, day, place, size FROM replies) AS i
            LEFT JOIN pending AS p ON p.id = i.id
            ORDER BY i.id
            """);
        using var reader = command.ExecuteReader();
        var items = new List<(string, DateOnly, long, long, byte[]?)>();
        while (reader.Read())
            items.Add((reader.GetString(0), ParseDay(reader.GetString(1)), reader.GetInt64(2), reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<byte[]>(4)));
        return items;
    }

    static bool IsListed(SqliteConnection live, string id) =>
        Convert.ToInt64(Scalar(live, "SELECT EXISTS (SELECT 1 FROM reports WHERE id = $id) OR EXISTS (SELECT 1 FROM replies WHERE id = $id)", ("$id", id)), CultureInfo.InvariantCulture) == 1;

    /// <summary>Removes the rows of items cut from the backup, then rebuilds the snapshot as one file: VACUUM
    /// writes every table in key order (random ids), so its pages no longer follow arrival as the live
    /// database's do, and leaves no free page holding an old row.</summary>
    static void Settle(SqliteConnection snapshot, IReadOnlyList<string> cut)
    {
        Execute(snapshot, "PRAGMA secure_delete = ON;");
        foreach (var id in cut)
            Execute(snapshot, """
                DELETE FROM reports WHERE id = $id; DELETE FROM replies WHERE id = $id;
                DELETE FROM idempotency WHERE report_id = $id; DELETE FROM pending WHERE id = $id;
                """, ("$id", id));
        Execute(snapshot, "PRAGMA journal_mode = DELETE; VACUUM;");
    }

    /// <summary>Unpooled: every file is closed when its connection is.</summary>
    public static string Connection(string path, SqliteOpenMode mode) =>
        new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false, DefaultTimeout = 30 }.ToString();
}
