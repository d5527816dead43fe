using System.Globalization;
using Microsoft.Data.Sqlite;
using static Reporting.Server.Storage.Sqlite.SqliteSql;

namespace Reporting.Server.Storage.Sqlite;

/// <summary>The SQLite store's tables, versioned by <c>PRAGMA user_version</c>, and the upgrades from
/// each earlier version, run at start-up on the write connection.</summary>
static class SqliteSchema
{
    /// <summary>The schema version this build writes. 1: the first layout, ciphertext in a chunk table;
    /// 2: ciphertext in files beside the database.</summary>
    public const int Version = 2;

    /// <summary>Creates the schema or brings it to <see cref="Version"/>.</summary>
    public static void Upgrade(SqliteConnection connection, BlobFiles blobs)
    {
        var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version;"), CultureInfo.InvariantCulture);
        NewerSchemaException.ThrowIfNewer(version, Version);
        if (version < 1)
            CreateFirstLayout(connection);
        if (version < 2)
            MoveChunksToFiles(connection, blobs);
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

    /// <summary>Schema 1 → 2: each item's chunks become its file (written, fsynced), then the chunk table
    /// goes in one transaction, the table of submissions not yet known durable comes, and the freed pages
    /// are zeroed and returned. A crash part-way leaves the chunks in place and the upgrade runs again at
    /// the next start, rewriting any file it had made.</summary>
    static void MoveChunksToFiles(SqliteConnection connection, BlobFiles blobs)
    {
        foreach (var (id, day) in ItemDays(connection))
        {
            blobs.Shred(id);
            using var chunks = Command(connection, "SELECT data FROM chunks WHERE owner = $o ORDER BY seq", ("$o", id));
            using var reader = chunks.ExecuteReader();
            using var joined = new ChunkRows(reader);
            var size = Convert.ToInt64(Scalar(connection, "SELECT COALESCE(SUM(length(data)), 0) FROM chunks WHERE owner = $o", ("$o", id)), CultureInfo.InvariantCulture);
            blobs.WriteAsync(id, joined, size, day, sync: true).GetAwaiter().GetResult();
        }
        blobs.SyncFolder();
        using (var transaction = connection.BeginTransaction())
        {
            Execute(connection, """
                DROP TABLE chunks;
                CREATE TABLE pending (id TEXT PRIMARY KEY, size INTEGER NOT NULL, sha256 BLOB NOT NULL) WITHOUT ROWID;
                PRAGMA user_version = 2;
                """);
            transaction.Commit();
        }
        Purge(connection);
    }
}
