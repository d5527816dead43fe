using Microsoft.Data.Sqlite;

namespace Reporting.Server.Storage.Sqlite;

/// <summary>SQLite has one writer at a time, and this is it: one connection whose settings are made once,
/// so that no write pays for opening a connection, used by one caller at a time. Waiting for a turn here is
/// cheaper and fairer than SQLite's busy retries (which sleep).</summary>
sealed class SqliteWriter(string connectionString) : IDisposable
{
    readonly SemaphoreSlim _turn = new(1, 1);

    /// <summary>Runs <paramref name="work"/> on the write connection, alone.</summary>
    public async Task<T> RunAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            return await work(Connection);
        }
        finally
        {
            _turn.Release();
        }
    }

    public Task<T> RunAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken) =>
        RunAsync(connection => Task.FromResult(work(connection)), cancellationToken);

    /// <summary>Blocks for a turn, then runs <paramref name="work"/>, which uses <see cref="Connection"/>:
    /// for the group commit's own thread.</summary>
    public void Run(Action work)
    {
        _turn.Wait();
        try
        {
            work();
        }
        finally
        {
            _turn.Release();
        }
    }

    SqliteConnection? _connection;
    readonly WalCheckpoints _checkpoints = new(connectionString);

    /// <summary>The write connection, opened at first use; only for the holder of a turn.</summary>
    public SqliteConnection Connection
    {
        get
        {
            if (_connection is null)
            {
                _connection = SqliteSql.Open(connectionString);
                // secure_delete: freed pages are zeroed. synchronous=FULL: a commit is on disk when it returns.
                // busy_timeout: a reader's connection may briefly hold a lock during a checkpoint; wait.
                // wal_autocheckpoint = 0: commits never stop to copy the WAL into the database; a background
                // checkpoint does that beside the writer (WalCheckpoints).
                SqliteSql.Execute(_connection, "PRAGMA secure_delete = ON; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000; PRAGMA wal_autocheckpoint = 0;");
                _checkpoints.Start();
            }
            return _connection;
        }
    }

    /// <summary>May be called more than once.</summary>
    public void Dispose()
    {
        _checkpoints.Dispose();
        _connection?.Dispose();
        _connection = null;
    }
}
