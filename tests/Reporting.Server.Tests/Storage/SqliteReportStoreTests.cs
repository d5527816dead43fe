using System.Text;
using Reporting.Server.Storage;
using Reporting.Server.Storage.Sqlite;

namespace Reporting.Server.Tests.Storage;

public sealed class SqliteReportStoreTests : ReportStoreContract
{
    readonly TempFolder _folder = new();

    protected override Task<IReportStore> CreateStoreAsync() =>
        Task.FromResult<IReportStore>(new SqliteReportStore(_folder["reports.db"]));

    public override Task DisposeAsync()
    {
        ((SqliteReportStore)Store).Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task DeletedReport_LeavesNoByteOfItInTheDatabaseFiles()
    {
        // Stand-in ciphertext with a recognisable marker, in one chunk and across a chunk boundary.
        var canary = Encoding.ASCII.GetBytes("CANARY-7f3a9c-DELETED-MEANS-GONE");
        var bytes = RandomBytes(Mebibyte + 4096);
        for (var at = 0; at + canary.Length < bytes.Length; at += 40_000)
            canary.CopyTo(bytes, at);
        var report = Report(bytes.Length);
        await Store.AddReportAsync(report, new MemoryStream(bytes));
        Assert.True(_folder.AnyFileContains(canary));

        await Store.DeleteReportAsync(report.Id);

        Assert.False(_folder.AnyFileContains(canary));
    }

    SqliteReportStore Sqlite => (SqliteReportStore)Store;

    /// <summary>Where the row says an item's bytes are in the volume.</summary>
    long PlaceOf(string id)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_folder["reports.db"]};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT place FROM reports WHERE id = $id UNION ALL SELECT place FROM replies WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task Ciphertext_GoesIntoTheOwnerOnlyVolume_WrittenOnce_AndNoFileIsMadeForIt()
    {
        var before = Directory.GetFileSystemEntries(_folder.Path).Order().ToList();
        var bytes = RandomBytes(65_536);
        var report = Report(bytes.Length);

        await Store.AddReportAsync(report, new MemoryStream(bytes));

        var volume = File.ReadAllBytes(Sqlite.VolumePath);
        Assert.Equal(bytes, volume.AsSpan((int)PlaceOf(report.Id), bytes.Length).ToArray());
        Assert.Equal(0, PlaceOf(report.Id) % CiphertextVolume.Block);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Sqlite.VolumePath));
        // The database holds the row, not the bytes, and the folder holds what it held before the report.
        Assert.True(new FileInfo(_folder["reports.db"]).Length + new FileInfo(_folder["reports.db-wal"]).Length < bytes.Length);
        Assert.Equal(before, Directory.GetFileSystemEntries(_folder.Path).Order().ToList());
    }

    [Fact]
    public async Task PlacesInTheVolume_DoNotFollowTheOrderOfArrival()
    {
        var ids = new List<string>();
        for (var i = 0; i < 24; i++)
        {
            var report = Report(5000 + i);
            await Store.AddReportAsync(report, new MemoryStream(RandomBytes(5000 + i)));
            ids.Add(report.Id);
        }

        var places = ids.Select(PlaceOf).ToList();

        // 24 draws in arrival order (or its reverse) by chance: about 2 in 10^23.
        Assert.NotEqual(places.Order().ToList(), places);
        Assert.NotEqual(places.OrderDescending().ToList(), places);
        Assert.Equal(places.Count, places.Distinct().Count());
    }

    [Fact]
    public async Task ReportDeletedWhileBeingRead_IsReadToTheEnd_ThenErased()
    {
        var bytes = RandomBytes(3 * Mebibyte);
        var canary = Encoding.ASCII.GetBytes("CANARY-read-while-deleted");
        canary.CopyTo(bytes, 2 * Mebibyte);
        var report = Report(bytes.Length);
        await Store.AddReportAsync(report, new MemoryStream(bytes));

        using (var blob = await Store.OpenReportAsync(report.Id))
        {
            var first = new byte[1000];
            await blob!.Content.ReadExactlyAsync(first);
            Assert.True(await Store.DeleteReportAsync(report.Id));
            // A new report cannot take the place while it is read.
            await Store.AddReportAsync(Report(bytes.Length), new MemoryStream(RandomBytes(bytes.Length)));
            using var rest = new MemoryStream();
            await blob.Content.CopyToAsync(rest);
            Assert.Equal(bytes, first.Concat(rest.ToArray()).ToArray());
            Assert.Null(await Store.OpenReportAsync(report.Id));
        }

        Assert.False(_folder.AnyFileContains(canary));
    }

    [Fact]
    public async Task BytesLeftByACrashBeforeTheirRow_AreNeverListed_AndErasedAtTheNextStart()
    {
        var kept = Report(100);
        await Store.AddReportAsync(kept, new MemoryStream(RandomBytes(100)));
        Sqlite.Dispose();
        // What a crash between writing an envelope and committing its row leaves behind.
        var orphan = Encoding.ASCII.GetBytes("CANARY-orphaned-by-a-crash");
        using (var volume = new FileStream(_folder[CiphertextVolume.FileName], FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            volume.Position = (PlaceOf(kept.Id) + 8 * CiphertextVolume.Block) % (64 << 20);
            volume.Write(orphan);
        }

        using var restarted = new SqliteReportStore(_folder["reports.db"]);
        await restarted.InitializeAsync();

        Assert.False(_folder.AnyFileContains(orphan));
        Assert.Equal([kept.Id], (await restarted.ListReportsAsync()).Select(r => r.Id));
        Assert.NotNull(await restarted.OpenReportAsync(kept.Id));
    }

    [Fact]
    public async Task RowWhoseBytesNeverReachedTheDisk_IsRemovedAtTheNextStart_AndItsNeighboursStay()
    {
        var kept = Report(5000);
        var keptBytes = RandomBytes(5000);
        await Store.AddReportAsync(kept, new MemoryStream(keptBytes));
        var lost = Report(5000);
        await Store.AddReportAsync(lost, new MemoryStream(RandomBytes(5000)));
        Sqlite.Dispose();
        // A power cut after the row's commit but before the volume's sync can leave zeros where the bytes
        // were to be: the submission was never acknowledged.
        using (var volume = new FileStream(_folder[CiphertextVolume.FileName], FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            volume.Position = PlaceOf(lost.Id);
            volume.Write(new byte[5000]);
        }

        using var restarted = new SqliteReportStore(_folder["reports.db"]);
        await restarted.InitializeAsync();

        Assert.Equal([kept.Id], (await restarted.ListReportsAsync()).Select(r => r.Id));
        Assert.Null(await restarted.FindByIdempotencyKeyAsync(lost.IdempotencyKeyHash));
        Assert.Equal(keptBytes, await ReadAllAsync((await restarted.OpenReportAsync(kept.Id))!));
    }

    [Fact]
    public async Task DatabaseOfTheFirstLayout_IsUpgraded_ChunksMoveToTheVolume_ByteForByte()
    {
        // A database as the first release wrote it (no user_version, ciphertext in a chunk table).
        var old = new TempFolder();
        try
        {
            var bytes = RandomBytes(2 * Mebibyte + 77);
            var reply = RandomBytes(300);
            using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={old["reports.db"]}"))
            {
                connection.Open();
                using var create = connection.CreateCommand();
                create.CommandText = """
                    PRAGMA page_size = 16384;
                    PRAGMA auto_vacuum = INCREMENTAL;
                    PRAGMA journal_mode = WAL;
                    CREATE TABLE reports (id TEXT PRIMARY KEY, day TEXT NOT NULL, size INTEGER NOT NULL, roster_version INTEGER NOT NULL, expires TEXT NOT NULL) WITHOUT ROWID;
                    CREATE TABLE replies (id TEXT PRIMARY KEY, mailbox TEXT NOT NULL, day TEXT NOT NULL, size INTEGER NOT NULL, expires TEXT NOT NULL) WITHOUT ROWID;
                    CREATE TABLE chunks (owner TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL);
                    CREATE UNIQUE INDEX chunks_by_owner ON chunks (owner, seq);
                    INSERT INTO reports VALUES ('aaaaaaaaaaaaaaaaaaaaaaaaaa', '2026-11-27', $size, 1, '2027-02-25');
                    INSERT INTO replies VALUES ('bbbbbbbbbbbbbbbbbbbbbbbbbb', 'reportmailbox1aaa', '2026-11-27', 300, '2027-02-25');
                    INSERT INTO chunks VALUES ('aaaaaaaaaaaaaaaaaaaaaaaaaa', 0, $c0), ('aaaaaaaaaaaaaaaaaaaaaaaaaa', 1, $c1),
                        ('aaaaaaaaaaaaaaaaaaaaaaaaaa', 2, $c2), ('bbbbbbbbbbbbbbbbbbbbbbbbbb', 0, $r);
                    """;
                create.Parameters.AddWithValue("$size", bytes.Length);
                create.Parameters.AddWithValue("$c0", bytes[..Mebibyte]);
                create.Parameters.AddWithValue("$c1", bytes[Mebibyte..(2 * Mebibyte)]);
                create.Parameters.AddWithValue("$c2", bytes[(2 * Mebibyte)..]);
                create.Parameters.AddWithValue("$r", reply);
                create.ExecuteNonQuery();
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

            using var upgraded = new SqliteReportStore(old["reports.db"]);
            await upgraded.InitializeAsync();

            Assert.Equal(bytes, await ReadAllAsync((await upgraded.OpenReportAsync("aaaaaaaaaaaaaaaaaaaaaaaaaa"))!));
            Assert.Equal(reply, await ReadAllAsync((await upgraded.OpenReplyAsync("reportmailbox1aaa", "bbbbbbbbbbbbbbbbbbbbbbbbbb"))!));
            Assert.Single(await upgraded.ListRepliesAsync("reportmailbox1aaa"));
            upgraded.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            // The chunk table's pages were zeroed and given back: the database holds none of the bytes.
            foreach (var database in Directory.EnumerateFiles(old.Path, "reports.db*"))
                Assert.True(File.ReadAllBytes(database).AsSpan().IndexOf(bytes.AsSpan(Mebibyte, 64)) < 0, database);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            old.Dispose();
        }
    }

    [Fact]
    public async Task DatabaseOfTheSecondLayout_IsUpgraded_FilesMoveToTheVolume_AndTheirFolderGoes()
    {
        // A database as schema 2 wrote it: a file per item under blobs/, dated to its day.
        var old = new TempFolder();
        try
        {
            var bytes = RandomBytes(Mebibyte + 3);
            Directory.CreateDirectory(old["blobs"]);
            File.WriteAllBytes(Path.Combine(old["blobs"], "aaaaaaaaaaaaaaaaaaaaaaaaaa"), bytes);
            using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={old["reports.db"]}"))
            {
                connection.Open();
                using var create = connection.CreateCommand();
                create.CommandText = """
                    PRAGMA page_size = 4096;
                    PRAGMA auto_vacuum = INCREMENTAL;
                    PRAGMA journal_mode = WAL;
                    CREATE TABLE reports (id TEXT PRIMARY KEY, day TEXT NOT NULL, size INTEGER NOT NULL, roster_version INTEGER NOT NULL, expires TEXT NOT NULL) WITHOUT ROWID;
                    CREATE TABLE replies (id TEXT PRIMARY KEY, mailbox TEXT NOT NULL, day TEXT NOT NULL, size INTEGER NOT NULL, expires TEXT NOT NULL) WITHOUT ROWID;
                    CREATE INDEX replies_by_mailbox ON replies (mailbox);
                    CREATE TABLE idempotency (key_hash BLOB PRIMARY KEY, report_id TEXT NOT NULL, day TEXT NOT NULL) WITHOUT ROWID;
                    CREATE TABLE spent_tokens (token_id TEXT PRIMARY KEY, expires TEXT NOT NULL) WITHOUT ROWID;
                    CREATE TABLE nonces (nonce TEXT PRIMARY KEY, day TEXT NOT NULL) WITHOUT ROWID;
                    CREATE TABLE rosters (version INTEGER PRIMARY KEY, file BLOB NOT NULL, first_served TEXT NOT NULL) WITHOUT ROWID;
                    CREATE TABLE pending (id TEXT PRIMARY KEY, size INTEGER NOT NULL, sha256 BLOB NOT NULL) WITHOUT ROWID;
                    INSERT INTO reports VALUES ('aaaaaaaaaaaaaaaaaaaaaaaaaa', '2026-11-27', $size, 1, '2027-02-25');
                    PRAGMA user_version = 2;
                    """;
                create.Parameters.AddWithValue("$size", bytes.Length);
                create.ExecuteNonQuery();
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

            using var upgraded = new SqliteReportStore(old["reports.db"]);
            await upgraded.InitializeAsync();

            Assert.Equal(bytes, await ReadAllAsync((await upgraded.OpenReportAsync("aaaaaaaaaaaaaaaaaaaaaaaaaa"))!));
            Assert.False(Directory.Exists(old["blobs"]));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            old.Dispose();
        }
    }

    [Fact]
    public async Task DatabaseFile_IsReadableByItsOwnerOnly()
    {
        await Store.ListReportsAsync();
        if (OperatingSystem.IsWindows())
            return;

        var mode = File.GetUnixFileMode(_folder["reports.db"]);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
    }
}
