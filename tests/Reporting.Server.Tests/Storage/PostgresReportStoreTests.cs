using System.Text;
using Npgsql;
using Reporting.Server.Storage;

namespace Reporting.Server.Tests.Storage;

public sealed class PostgresReportStoreTests : ReportStoreContract
{
    PostgresDatabase _database = null!;

    protected override async Task<IReportStore> CreateStoreAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        return new PostgresReportStore(_database.ConnectionString);
    }

    public override async Task DisposeAsync()
    {
        ((PostgresReportStore)Store).Dispose();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Migrations_RunOnce_EvenWhenSeveralInstancesStartTogether()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => new PostgresReportStore(_database.ConnectionString)).ToList();
        try
        {
            await Task.WhenAll(stores.Select(s => s.InitializeAsync()));

            await using var command = ((PostgresReportStore)Store).DataSource.CreateCommand("SELECT array_agg(version ORDER BY version) FROM schema_migrations");
            Assert.Equal(Enumerable.Range(1, PostgresSchema.Latest), (int[])(await command.ExecuteScalarAsync())!);
        }
        finally
        {
            stores.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task TokenClaim_IsSharedByEveryInstance_AndDiesWithItsHolder()
    {
        using var other = new PostgresReportStore(_database.ConnectionString);
        var claim = await Store.TryClaimTokenAsync("token-shared");
        Assert.NotNull(claim);

        Assert.Null(await other.TryClaimTokenAsync("token-shared"));

        // The holder's connection dies (as it does with a killed instance): the claim goes with it.
        var key = AdvisoryLock.KeyOf("token:token-shared");
        await using (var admin = ((PostgresReportStore)Store).DataSource.CreateCommand(
            "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid = $2 AND objsubid = 1"))
        {
            admin.Parameters.Add(new NpgsqlParameter { Value = unchecked((long)(uint)(key >> 32)) });
            admin.Parameters.Add(new NpgsqlParameter { Value = unchecked((long)(uint)key) });
            await admin.ExecuteNonQueryAsync();
        }
        IAsyncDisposable? after = null;
        for (var i = 0; i < 50 && after is null; i++, await Task.Delay(100))
            after = await other.TryClaimTokenAsync("token-shared"); // the terminated backend takes a moment to go
        Assert.NotNull(after);
        await after.DisposeAsync();
        await claim.DisposeAsync(); // its connection is broken: releasing says nothing
    }

    [Fact]
    public async Task StoredCiphertext_IsInTheDatabase_AndADeletedReportIsNotListed()
    {
        var canary = Encoding.ASCII.GetBytes("CANARY-pg-5d1e-NOT-PLAINTEXT");
        var bytes = RandomBytes(Mebibyte + 100);
        canary.CopyTo(bytes, Mebibyte - 10); // across the chunk boundary
        var report = Report(bytes.Length);
        await Store.AddReportAsync(report, new MemoryStream(bytes));

        await using var count = ((PostgresReportStore)Store).DataSource.CreateCommand("SELECT count(*) FROM chunks WHERE owner = $1");
        count.Parameters.Add(new NpgsqlParameter { Value = report.Id });
        Assert.Equal(2L, await count.ExecuteScalarAsync());
        Assert.True(await Store.DeleteReportAsync(report.Id));
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }
}
