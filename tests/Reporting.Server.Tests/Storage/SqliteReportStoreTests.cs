using System.Text;
using Reporting.Server.Storage;

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
        var bytes = RandomBytes(SqliteReportStore.ChunkSize + 4096);
        for (var at = 0; at + canary.Length < bytes.Length; at += 40_000)
            canary.CopyTo(bytes, at);
        var report = Report(bytes.Length);
        await Store.AddReportAsync(report, new MemoryStream(bytes));
        Assert.True(_folder.AnyFileContains(canary));

        await Store.DeleteReportAsync(report.Id);

        Assert.False(_folder.AnyFileContains(canary));
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
