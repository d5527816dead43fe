using Microsoft.Data.Sqlite;
using Reporting.Server.Uploads;
using static Reporting.Server.Storage.Sqlite.SqliteSql;

namespace Reporting.Server.Storage.Sqlite;

/// <summary>The default store: metadata in one SQLite file under the data folder, ciphertext in one file
/// beside it (<see cref="CiphertextVolume"/>), so an acknowledged envelope is written once and no file is
/// born with it.
/// WAL for concurrent readers, <c>synchronous=FULL</c> because a 201 promises durability,
/// <c>secure_delete</c> so deleted rows are overwritten, and tables WITHOUT ROWID so no hidden counter
/// records the order things arrived in. One process only: several instances need PostgreSQL.
/// Reports, replies and retention are in the files named for them beside this one.</summary>
public sealed partial class SqliteReportStore : IReportStore, ISpoolSpace, IDisposable
{
    readonly string _connectionString;
    readonly CiphertextVolume _volume;
    readonly SqliteWriter _writer;
    readonly GroupCommit _groupCommit;

    /// <param name="keepFreeBytes">Free space every stored file must leave (<see cref="DataFolder.KeepFreeBytes"/>),
    /// checked once the file is written: another program may have taken space since the upload reserved its own.</param>
    public SqliteReportStore(string databasePath, long keepFreeBytes = DataFolder.MetadataReserveBytes)
    {
        _keepFree = keepFreeBytes;
        DatabasePath = Path.GetFullPath(databasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
        _folder = Path.GetDirectoryName(DatabasePath)!;
        _volume = new CiphertextVolume(Path.Combine(_folder, CiphertextVolume.FileName));
        _writer = new SqliteWriter(_connectionString);
        _groupCommit = new GroupCommit(_writer);
    }

    public string DatabasePath { get; }

    /// <summary>The folder of the database and the volume.</summary>
    readonly string _folder;

    /// <summary>The file that holds every stored ciphertext.</summary>
    public string VolumePath => _volume.Path;

    /// <summary>Bodies arriving are received into places of the store's own volume: an upload writes no other file.</summary>
    public Stream Rent(long size) => _volume.Spool(size);

    public void Dispose()
    {
        _groupCommit.Dispose();
        _writer.Dispose();
        _volume.Dispose();
    }

    /// <summary>Creates or upgrades the schema, settles the rows a crash left pending, then erases whatever
    /// the volume holds outside the listed items (left by a crash).</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(DatabasePath))
        {
            // Created by us first so that only the server's user may read it; SQLite gives the -wal
            // and -shm files the same mode.
            using var _ = new FileStream(DatabasePath, DataFolder.PrivateNewFile(FileAccess.Write));
        }
        await _writer.RunAsync(connection =>
        {
            SqliteSchema.Upgrade(connection, _volume);
            PendingMarks.Recover(connection, _volume);
            _volume.Settle(ItemPlaces(connection));
            return true;
        }, cancellationToken);
    }

    /// <summary>One connection and one statement: after each commit a reader's first query re-reads the
    /// changed pages, so two separate look-ups cost twice that.</summary>
    public async Task<SubmissionLookup> LookUpSubmissionAsync(byte[] keyHash, string tokenId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        using var command = Command(connection, """
            SELECT (SELECT report_id FROM idempotency WHERE key_hash = $k),
                   EXISTS (SELECT 1 FROM spent_tokens WHERE token_id = $t)
            """, ("$k", keyHash), ("$t", tokenId));
        using var reader = command.ExecuteReader();
        reader.Read();
        return new SubmissionLookup(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1) != 0);
    }

    public Task SpendTokenAsync(string tokenId, DateOnly expires, CancellationToken cancellationToken = default) =>
        _writer.RunAsync(connection => Execute(connection, "INSERT OR IGNORE INTO spent_tokens (token_id, expires) VALUES ($t, $e)",
            ("$t", tokenId), ("$e", Day(expires))), cancellationToken);

    readonly ProcessLocks _locks = new();

    public Task<IAsyncDisposable?> TryClaimTokenAsync(string tokenId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_locks.TryClaimToken(tokenId));

    public Task<IAsyncDisposable> LockAsync(string job, CancellationToken cancellationToken = default) =>
        _locks.LockAsync(job, cancellationToken);

    readonly RecentNonces _nonces = new();

    /// <summary>In memory, not in the database: see <see cref="RecentNonces"/>. (The <c>nonces</c> table of earlier
    /// versions is left to retention, which empties it.)</summary>
    public Task<bool> TryUseNonceAsync(string nonce, DateOnly day, CancellationToken cancellationToken = default) =>
        Task.FromResult(_nonces.TryUse(nonce, day));

    public Task RememberRosterAsync(int version, byte[] fileBytes, DateOnly day, CancellationToken cancellationToken = default) =>
        _writer.RunAsync(connection => Execute(connection, "INSERT OR IGNORE INTO rosters (version, file, first_served) VALUES ($v, $f, $d)",
            ("$v", version), ("$f", fileBytes), ("$d", Day(day))), cancellationToken);

    public async Task<IReadOnlyList<StoredRoster>> ListRostersAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        using var command = Command(connection, "SELECT version, file, first_served FROM rosters ORDER BY version");
        using var reader = command.ExecuteReader();
        var rosters = new List<StoredRoster>();
        while (reader.Read())
            rosters.Add(new StoredRoster(reader.GetInt32(0), reader.GetFieldValue<byte[]>(1), ParseDay(reader.GetString(2))));
        return rosters;
    }

    /// <summary>A pooled connection for reading (WAL: readers never wait for the writer).
    /// Microsoft.Data.Sqlite does its I/O synchronously anyway; this only honours cancellation.</summary>
    Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Open(_connectionString));
    }
}
