using System.Text;
using Npgsql;
using Reporting.Server.Storage;
using Reporting.Server.Storage.Postgres;

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

    [Fact]
    public async Task DeletedReports_SpaceIsReusedWithinSeconds_NotLeftToAutovacuum()
    {
        // Reviewers delete what they fetched while sources go on submitting: the store must not grow by what was deleted.
        async Task<long> AddTwentyMebibytesAsync()
        {
            var ids = new List<string>();
            for (var i = 0; i < 20; i++)
            {
                var report = Report(Mebibyte);
                await Store.AddReportAsync(report, new MemoryStream(RandomBytes(Mebibyte)));
                ids.Add(report.Id);
            }
            foreach (var id in ids)
                Assert.True(await Store.DeleteReportAsync(id));
            return await ScalarAsync<long>("SELECT pg_total_relation_size('chunks')");
        }
        async Task<long> VacuumsAsync() =>
            await ScalarAsync<long>("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'chunks' AND schemaname = current_schema()");
        async Task WaitForVacuumAsync(long after)
        {
            for (var waited = TimeSpan.Zero; await VacuumsAsync() <= after; waited += TimeSpan.FromMilliseconds(200))
            {
                Assert.True(waited < ChunkVacuum.Delay * 4, "no VACUUM of the chunks followed the deletes");
                await Task.Delay(200);
            }
        }

        var first = await AddTwentyMebibytesAsync();
        // Counted after the deletes: the vacuum to wait for is the one the last of them scheduled.
        await WaitForVacuumAsync(await VacuumsAsync());
        var second = await AddTwentyMebibytesAsync();

        // Without the vacuum the second twenty would take new pages: twice the space.
        Assert.True(second < first * 3 / 2, $"chunks took {first} bytes, then {second} after deleting and adding as much again");
    }

    async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = ((PostgresReportStore)Store).DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
