using System.Globalization;
using Microsoft.Data.Sqlite;
using static Reporting.Server.Storage.Sqlite.SqliteSql;

namespace Reporting.Server.Storage.Sqlite;

/// <summary>The SQLite store's tables, versioned by <c>PRAGMA user_version</c>, and the upgrades from
/// each earlier version, run at start-up on the write connection.</summary>
static class SqliteSchema
{
    /// <summary>The schema version this build writes. 1: the first layout, ciphertext in a chunk table;
    /// 2: ciphertext in a file per item beside the database (<c>blobs/</c>); 3: ciphertext in one volume
    /// file at places drawn at random (<see cref="CiphertextVolume"/>), each row saying where.</summary>
    public const int Version = 3;

    /// <summary>Where schema 2 kept a file per item, beside the database.</summary>
    const string OldFilesFolder = "blobs";

    /// <summary>Creates the schema or brings it to <see cref="Version"/>.</summary>
    public static void Upgrade(SqliteConnection connection, CiphertextVolume volume)
    {
        var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version;"), CultureInfo.InvariantCulture);
        NewerSchemaException.ThrowIfNewer(version, Version);
        var oldFiles = Path.Combine(Path.GetDirectoryName(volume.Path)!, OldFilesFolder);
        if (version < 1)
            CreateFirstLayout(connection);
        if (version < 2)
            MoveToVolume(connection, volume, id => ChunksOf(connection, id), """
                DROP TABLE chunks;
                CREATE TABLE pending (id TEXT PRIMARY KEY, size INTEGER NOT NULL, sha256 BLOB NOT NULL) WITHOUT ROWID;
                """);
        else if (version < 3)
            MoveToVolume(connection, volume, id => FileOf(oldFiles, id), "");
        RemoveOldFiles(oldFiles);
    }

    /// <summary>Schema 1, as the first release wrote it (so that its databases upgrade the same way as new
    /// ones). Each statement is IF NOT EXISTS: a database from before versioning is schema 1 too.</summary>
    static void CreateFirstLayout(SqliteConnection connection)
    {
        // page_size and auto_vacuum must be chosen before the first table exists: 4 KiB pages now that
        // rows are small (every page a commit touches is written whole to the WAL and again at the
        // checkpoint). Incremental auto_vacuum lets retention give freed pages back to the file system.
        Execute(connection, """
            PRAGMA page_size = 4096;
            PRAGMA auto_vacuum = INCREMENTAL;
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS reports (
                id TEXT PRIMARY KEY, day TEXT NOT NULL, size INTEGER NOT NULL,
                roster_version INTEGER NOT NULL, expires TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS replies (
                id TEXT PRIMARY KEY, mailbox TEXT NOT NULL, day TEXT NOT NULL, size INTEGER NOT NULL,
                expires TEXT NOT NULL) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS replies_by_mailbox ON replies (mailbox);
            CREATE TABLE IF NOT EXISTS chunks (
                owner TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL);
            CREATE UNIQUE INDEX IF NOT EXISTS chunks_by_owner ON chunks (owner, seq);
            CREATE TABLE IF NOT EXISTS idempotency (
                key_hash BLOB PRIMARY KEY, report_id TEXT NOT NULL, day TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS spent_tokens (
                token_id TEXT PRIMARY KEY, expires TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS nonces (
                nonce TEXT PRIMARY KEY, day TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS rosters (
                version INTEGER PRIMARY KEY, file BLOB NOT NULL, first_served TEXT NOT NULL) WITHOUT ROWID;
            PRAGMA user_version = 1;
            """);
    }

    /// <summary>Schema 1 or 2 → 3: each item's bytes (<paramref name="read"/>: null when it has none) are
    /// written to the volume and synced; then, in one transaction, every row gets its place,
    /// <paramref name="finish"/> runs and the version becomes 3; then the freed pages are zeroed and returned.
    /// A crash part-way changes nothing in the database: the next start moves everything again, and what
    /// the volume held from the first try is erased with everything no row lists.</summary>
    static void MoveToVolume(SqliteConnection connection, CiphertextVolume volume, Func<string, (Stream Bytes, long Size)?> read, string finish)
    {
        var places = new List<(string Table, string Id, long Place)>();
        foreach (var table in new[] { "reports", "replies" })
            foreach (var (id, size) in Items(connection, table))
            {
                var place = volume.Allocate(id, size);
                places.Add((table, id, place));
                if (read(id) is not var (bytes, length))
                    continue; // a file that never reached the disk: its pending row is removed at start-up (PendingMarks)
                using (bytes)
                {
                    try
                    {
                        volume.WriteAsync(place, bytes, Math.Min(size, length)).GetAwaiter().GetResult();
                    }
                    catch (ArgumentException)
                    {
                        // Shorter than its row says: the same, if the row is pending; kept as it is otherwise.
                    }
                }
            }
        volume.SyncAsync().GetAwaiter().GetResult();
        using (var transaction = connection.BeginTransaction())
        {
            Execute(connection, """
                ALTER TABLE reports ADD COLUMN place INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE replies ADD COLUMN place INTEGER NOT NULL DEFAULT 0;
                """);
            foreach (var (table, id, place) in places)
                Execute(connection, $"UPDATE {table} SET place = $p WHERE id = $id", ("$p", place), ("$id", id));
            Execute(connection, finish + "PRAGMA user_version = 3;");
            transaction.Commit();
        }
        Purge(connection);
    }

    static List<(string Id, long Size)> Items(SqliteConnection connection, string table)
    {
        using var command = Command(connection, $"SELECT id, size FROM {table}");
        using var reader = command.ExecuteReader();
        var items = new List<(string, long)>();
        while (reader.Read())
            items.Add((reader.GetString(0), reader.GetInt64(1)));
        return items;
    }

    /// <summary>Schema 1: an item's chunks, joined.</summary>
    static (Stream, long)? ChunksOf(SqliteConnection connection, string id)
    {
        var size = Convert.ToInt64(Scalar(connection, "SELECT COALESCE(SUM(length(data)), 0) FROM chunks WHERE owner = $o", ("$o", id)), CultureInfo.InvariantCulture);
        var chunks = Command(connection, "SELECT data FROM chunks WHERE owner = $o ORDER BY seq", ("$o", id));
        return (new ChunkRows(chunks), size);
    }

    /// <summary>Schema 2: an item's file, if there is one.</summary>
    static (Stream, long)? FileOf(string folder, string id)
    {
        try
        {
            var file = File.OpenRead(Path.Combine(folder, id));
            return (file, file.Length);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Once the volume holds everything: schema 2's files are overwritten with zeros, synced and
    /// removed, with their folder. Done at every start while the folder is there, so a crash part-way
    /// leaves nothing for long.</summary>
    static void RemoveOldFiles(string folder)
    {
        if (!Directory.Exists(folder))
            return;
        foreach (var path in Directory.EnumerateFiles(folder).ToList())
        {
            using (var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None, 0))
            {
                try
                {
                    var zeros = new byte[64 << 10];
                    for (long left = file.Length; left > 0; left -= Math.Min(left, zeros.Length))
                        file.Write(zeros, 0, (int)Math.Min(left, zeros.Length));
                    file.Flush(flushToDisk: true);
                }
                catch (IOException)
                {
                    // No room to overwrite (a copy-on-write file system): removed all the same.
                }
            }
            File.Delete(path);
        }
        Directory.Delete(folder);
    }
}
