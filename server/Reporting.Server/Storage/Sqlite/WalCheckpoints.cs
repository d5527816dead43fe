using Microsoft.Data.Sqlite;

namespace Reporting.Server.Storage.Sqlite;

/// <summary>Copies the WAL into the database beside the writer, whose commits never stop to do it
/// (<c>wal_autocheckpoint = 0</c>, see <see cref="SqliteWriter"/>). A passive checkpoint never blocks the
/// writer or readers.</summary>
sealed class WalCheckpoints(string connectionString) : IDisposable
{
    /// <summary>Often enough that the WAL stays small under steady load.</summary>
    static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    readonly CancellationTokenSource _stopping = new();
    Task? _loop;

    public void Start() => _loop = Task.Run(LoopAsync);

    async Task LoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, _stopping.Token);
                using var connection = SqliteSql.Open(connectionString);
                SqliteSql.Execute(connection, "PRAGMA wal_checkpoint(PASSIVE);");
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SqliteException)
            {
                // A checkpoint that could not run now runs at the next interval, or at the next deletion.
            }
        }
    }

    /// <summary>May be called more than once.</summary>
    public void Dispose()
    {
        _stopping.Cancel();
        try { _loop?.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
