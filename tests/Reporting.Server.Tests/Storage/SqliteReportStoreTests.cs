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

    [Fact]
    public async Task CiphertextFile_IsOwnerOnly_DatedToTheDay_AndWrittenOnce()
    {
        var bytes = RandomBytes(65_536);
        var report = Report(bytes.Length);

        await Store.AddReportAsync(report, new MemoryStream(bytes));

        var file = Path.Combine(Sqlite.BlobFolder, report.Id);
        Assert.Equal(bytes, File.ReadAllBytes(file));
        Assert.Equal(Today.ToDateTime(TimeOnly.MinValue), File.GetLastWriteTimeUtc(file));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        // The database holds the row, not the bytes.
        Assert.True(new FileInfo(_folder["reports.db"]).Length + new FileInfo(_folder["reports.db-wal"]).Length < bytes.Length);
    }

    [Fact]
    public async Task FileLeftByACrashBeforeItsRow_IsNeverListed_AndGoesAtTheNextStart()
    {
        var kept = Report(100);
        await Store.AddReportAsync(kept, new MemoryStream(RandomBytes(100)));
        // What a crash between fsyncing a file and committing its row leaves behind.
        var orphan = Path.Combine(Sqlite.BlobFolder, RandomId.New());
        File.WriteAllBytes(orphan, RandomBytes(5000));
        Assert.Equal([kept.Id], (await Store.ListReportsAsync()).Select(r => r.Id));

        Sqlite.Dispose();
        using var restarted = new SqliteReportStore(_folder["reports.db"]);
        await restarted.InitializeAsync();

        Assert.False(File.Exists(orphan));
        Assert.Equal([kept.Id], (await restarted.ListReportsAsync()).Select(r => r.Id));
        Assert.NotNull(await restarted.OpenReportAsync(kept.Id));
    }

    [Fact]
    public async Task RowWhoseFileNeverReachedTheDisk_IsRemovedAtTheNextStart_AndItsNeighboursStay()
    {
        var kept = Report(5000);
        var keptBytes = RandomBytes(5000);
        await Store.AddReportAsync(kept, new MemoryStream(keptBytes));
        var lost = Report(5000);
        await Store.AddReportAsync(lost, new MemoryStream(RandomBytes(5000)));
        // A power cut after the row's commit but before the file's fsync can leave the file's size
        // without its bytes: the submission was never acknowledged.
        File.WriteAllBytes(Path.Combine(Sqlite.BlobFolder, lost.Id), new byte[5000]);

        Sqlite.Dispose();
        using var restarted = new SqliteReportStore(_folder["reports.db"]);
        await restarted.InitializeAsync();

        Assert.Equal([kept.Id], (await restarted.ListReportsAsync()).Select(r => r.Id));
        Assert.False(File.Exists(Path.Combine(restarted.BlobFolder, lost.Id)));
        Assert.Null(await restarted.FindByIdempotencyKeyAsync(lost.IdempotencyKeyHash));
        using var blob = await restarted.OpenReportAsync(kept.Id);
        using var copy = new MemoryStream();
        await blob!.Content.CopyToAsync(copy);
        Assert.Equal(keptBytes, copy.ToArray());
    }

    [Fact]
    public async Task DatabaseOfTheFirstLayout_IsUpgraded_ChunksBecomeFiles_ByteForByte()
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

            using (var blob = await upgraded.OpenReportAsync("aaaaaaaaaaaaaaaaaaaaaaaaaa"))
            {
                using var copy = new MemoryStream();
                await blob!.Content.CopyToAsync(copy);
                Assert.Equal(bytes, copy.ToArray());
            }
            Assert.Equal(reply, File.ReadAllBytes(Path.Combine(upgraded.BlobFolder, "bbbbbbbbbbbbbbbbbbbbbbbbbb")));
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
    public async Task DatabaseFile_IsReadableByItsOwnerOnly()
    {
        await Store.ListReportsAsync();
        if (OperatingSystem.IsWindows())
            return;

        var mode = File.GetUnixFileMode(_folder["reports.db"]);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
    }
}
