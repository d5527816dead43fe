using Npgsql;

namespace Reporting.Server.Storage.Postgres;

/// <summary>A deleted report's chunks are dead rows that only a vacuum lets PostgreSQL reuse. Autovacuum
/// comes at its leisure (a minute's nap, then throttled): under steady deleting the soak saw the database
/// grow from 0.5 to 5 GiB while it held 64 MiB of reports, the deleted ciphertext lingering in pages
/// nothing could yet overwrite. So a delete schedules one VACUUM of the chunks a few seconds later, on
/// this instance; deletes until it starts share it, later ones schedule the next. If it fails, autovacuum
/// still gets there.</summary>
sealed class ChunkVacuum(NpgsqlDataSource data)
{
    /// <summary>How long after a delete the chunks are vacuumed: one VACUUM serves every delete made meanwhile.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(5);

    readonly CancellationTokenSource _stopping = new();
    int _scheduled;

    public void Schedule()
    {
        if (Interlocked.Exchange(ref _scheduled, 1) == 1)
            return;
        var stopping = _stopping.Token;
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(Delay, stopping);
                Volatile.Write(ref _scheduled, 0);
                await using var connection = await data.OpenConnectionAsync(stopping);
                await using var vacuum = new NpgsqlCommand("VACUUM chunks", connection) { CommandTimeout = 0 };
                await vacuum.ExecuteNonQueryAsync(stopping);
            }
            catch (Exception e) when (e is NpgsqlException or OperationCanceledException or ObjectDisposedException)
            {
            }
        });
    }

    /// <summary>Cancels a vacuum not yet done. The token source is only cancelled, never disposed: it has no
    /// timer, and a late vacuum task may still look at it.</summary>
    public void Stop() => _stopping.Cancel();
}
