using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Reporting.Format.IO;

namespace Reporting.Server.Storage;

/// <summary>The default store: metadata in one SQLite file under the data folder, ciphertext in one file
/// per item beside it (<see cref="BlobFiles"/>), so an acknowledged envelope is written once.
/// WAL for concurrent readers, <c>synchronous=FULL</c> because a 201 promises durability,
/// <c>secure_delete</c> so deleted rows are overwritten, and tables WITHOUT ROWID so no hidden counter
/// records the order things arrived in. One process only: several instances need PostgreSQL.</summary>
public sealed class SqliteReportStore : IReportStore, IDisposable
{
    const string DayFormat = "yyyy-MM-dd";

    /// <summary>The schema version this build writes (PRAGMA user_version). 1: the first layout, ciphertext
    /// in a chunk table; 2: ciphertext in files beside the database.</summary>
    const int SchemaVersion = 2;

    readonly string _connectionString;
    readonly string _path;
    readonly BlobFiles _blobs;

    /// <summary>SQLite has one writer at a time; waiting here is cheaper and fairer than SQLite's busy
    /// retries (which sleep).</summary>
    readonly SemaphoreSlim _writer = new(1, 1);

    /// <summary>The one connection that writes, used only under <see cref="_writer"/>: its settings are
    /// made once, and no write pays for opening a connection.</summary>
    SqliteConnection? _writeConnection;
    PreparedStatements? _statements;

    Task? _checkpoints;
    readonly CancellationTokenSource _stopping = new();

    /// <summary>Tokens whose upload is in progress: one process, so memory is the whole truth.</summary>
    readonly ConcurrentDictionary<string, byte> _claimedTokens = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, SemaphoreSlim> _jobLocks = new(StringComparer.Ordinal);

    readonly long _keepFree;

    /// <param name="keepFreeBytes">Free space every stored file must leave (<see cref="DataFolder.KeepFreeBytes"/>),
    /// checked once the file is written: another program may have taken space since the upload reserved its own.</param>
    public SqliteReportStore(string databasePath, long keepFreeBytes = DataFolder.MetadataReserveBytes)
    {
        _keepFree = keepFreeBytes;
        _path = Path.GetFullPath(databasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
        _blobs = new BlobFiles(Path.Combine(Path.GetDirectoryName(_path)!, BlobFiles.FolderName));
        _committer = new Thread(CommitLoop) { IsBackground = true, Name = "Reporting submissions" };
        _committer.Start();
    }

    public string DatabasePath => _path;

    /// <summary>Where the ciphertext files are.</summary>
    public string BlobFolder => _blobs.Folder;

    SqliteConnection Writer()
    {
        if (_writeConnection is null)
        {
            _writeConnection = new SqliteConnection(_connectionString);
            _writeConnection.Open();
            // secure_delete: freed pages are zeroed. synchronous=FULL: a commit is on disk when it returns.
            // busy_timeout: a reader's connection may briefly hold a lock during a checkpoint; wait.
            // wal_autocheckpoint = 0: commits never stop to copy the WAL into the database; a background
            // checkpoint does that beside the writer (see CheckpointLoopAsync).
            Execute(_writeConnection, "PRAGMA secure_delete = ON; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000; PRAGMA wal_autocheckpoint = 0;");
            _statements = new PreparedStatements(_writeConnection);
            _checkpoints = Task.Run(CheckpointLoopAsync);
        }
        return _writeConnection;
    }

    /// <summary>How often the WAL is copied into the database: often enough that the WAL stays small
    /// under steady load. A passive checkpoint never blocks the writer or readers.</summary>
    static readonly TimeSpan CheckpointInterval = TimeSpan.FromMilliseconds(500);

    async Task CheckpointLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(CheckpointInterval, _stopping.Token);
                using var connection = Open();
                Execute(connection, "PRAGMA wal_checkpoint(PASSIVE);");
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

    public void Dispose()
    {
        _pendingAdds.CompleteAdding();
        _committer.Join();
        _stopping.Cancel();
        try { _checkpoints?.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _statements?.Dispose();
        _statements = null;
        _writeConnection?.Dispose();
        _writeConnection = null;
    }

    /// <summary>Creates or upgrades the schema, then removes ciphertext files no row lists (left by a
    /// crash) and blurs the files' times.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(_path))
        {
            // Created by us first so that only the server's user may read it; SQLite gives the -wal
            // and -shm files the same mode.
            using var _ = new FileStream(_path, DataFolder.PrivateNewFile(FileAccess.Write));
        }
        await _writer.WaitAsync(cancellationToken);
        try
        {
            var connection = Writer();
            var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version;"), CultureInfo.InvariantCulture);
            if (version > SchemaVersion)
                throw new InvalidOperationException($"The database was written by a newer server (schema {version}); run that version or newer.");
            if (version < 1)
                CreateFirstLayout(connection);
            if (version < 2)
                MoveChunksToFiles(connection);
            RecoverPending(connection);
            var days = ItemDays(connection);
            _blobs.DeleteOrphans(days.Keys.ToHashSet());
            _blobs.BlurTimes(days);
        }
        finally
        {
            _writer.Release();
        }
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
    void MoveChunksToFiles(SqliteConnection connection)
    {
        foreach (var (id, day) in ItemDays(connection))
        {
            _blobs.Shred(id);
            using var chunks = Command(connection, "SELECT data FROM chunks WHERE owner = $o ORDER BY seq", ("$o", id));
            using var reader = chunks.ExecuteReader();
            using var joined = new ChunkStream(reader);
            var size = Convert.ToInt64(Scalar(connection, "SELECT COALESCE(SUM(length(data)), 0) FROM chunks WHERE owner = $o", ("$o", id)), CultureInfo.InvariantCulture);
            _blobs.WriteAsync(id, joined, size, day, sync: true).GetAwaiter().GetResult();
        }
        _blobs.SyncFolder();
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

    /// <summary>The rows of a chunk query read one after another as a stream (the upgrade's source).</summary>
    sealed class ChunkStream(SqliteDataReader reader) : ReadOnlyStream
    {
        byte[] _chunk = [];
        int _offset;

        public override int Read(Span<byte> destination)
        {
            while (_offset == _chunk.Length)
            {
                if (!reader.Read())
                    return 0;
                _chunk = reader.GetFieldValue<byte[]>(0);
                _offset = 0;
            }
            var n = Math.Min(destination.Length, _chunk.Length - _offset);
            _chunk.AsSpan(_offset, n).CopyTo(destination);
            _offset += n;
            return n;
        }
    }

    /// <summary>Every report's and reply's id with its day.</summary>
    static Dictionary<string, DateOnly> ItemDays(SqliteConnection connection)
    {
        using var command = Command(connection, "SELECT id, day FROM reports UNION ALL SELECT id, day FROM replies");
        using var reader = command.ExecuteReader();
        var days = new Dictionary<string, DateOnly>(StringComparer.Ordinal);
        while (reader.Read())
            days[reader.GetString(0)] = ParseDay(reader.GetString(1));
        return days;
    }

    /// <summary>Crash-safe with one fsync on the way, as the bare baseline pays: the ciphertext is written
    /// to its file by the caller's thread; then, at the same time, that thread fsyncs the file and its
    /// folder (uploads do this in parallel) and a group commit stores the row, marked pending with the
    /// file's SHA-256. The answer waits for both. A later commit clears the marks of files known durable; at
    /// start-up a pending row whose file does not hold those exact bytes (the machine died before the
    /// file reached the disk, and the submission was never acknowledged) is removed, so nothing
    /// half-written is ever listed after a crash, and a file without a row is shredded.
    /// The group commit is one dedicated thread committing every submission waiting at that moment in
    /// one transaction (one fsync), each inside its own savepoint so that a duplicate does not touch the
    /// others; its own thread so that SQLite's blocking writes never hold a thread-pool thread.</summary>
    public async Task<AddResult> AddReportAsync(NewReport report, Stream ciphertext, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var sha256 = await _blobs.WriteAsync(report.Id, ciphertext, report.Size, report.Day, sync: false, cancellationToken);
        KeepReserve(report.Id);
        var pending = new PendingAdd(report, sha256);
        try
        {
            _pendingAdds.Add(pending, CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            _blobs.Shred(report.Id); // the store is shutting down
            throw;
        }
        AddResult result;
        try
        {
            // The row is with the group commit; while it commits, this thread fsyncs the file.
            await _blobs.SyncAsync(report.Id);
            result = await pending.Result.Task;
        }
        catch
        {
            await pending.Result.Task.ContinueWith(_ => { }, TaskScheduler.Default); // settled, whatever it did
            if (pending.Result.Task.IsCompletedSuccessfully && pending.Result.Task.Result.Outcome == AddOutcome.Stored)
                await DeleteReportAsync(report.Id, CancellationToken.None); // listed, but its file could not be made durable
            else
                _blobs.Shred(report.Id);
            throw;
        }
        if (result.Outcome != AddOutcome.Stored)
        {
            _blobs.Shred(report.Id);
            return result;
        }
        _durable.Enqueue(report.Id);
        return result;
    }

    /// <summary>Removes the file just written for <paramref name="id"/> and refuses it when it left less
    /// free space than the store keeps.</summary>
    void KeepReserve(string id)
    {
        if (DataFolder.FreeBytes(_blobs.Folder) >= _keepFree)
            return;
        _blobs.Shred(id);
        throw new StorageFullException("Storing this would leave less free space than the store keeps.");
    }

    /// <summary>Stored reports whose files are durable, whose pending marks the next commit clears.</summary>
    readonly ConcurrentQueue<string> _durable = new();

    /// <summary>At start-up: every row still marked pending keeps its place only if its file holds exactly
    /// the bytes committed; any other was never acknowledged, and goes with its file.</summary>
    void RecoverPending(SqliteConnection connection)
    {
        var lost = new List<string>();
        using (var query = Command(connection, "SELECT id, size, sha256 FROM pending"))
        using (var reader = query.ExecuteReader())
            while (reader.Read())
                if (!_blobs.Holds(reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<byte[]>(2)))
                    lost.Add(reader.GetString(0));
        try
        {
            using var transaction = connection.BeginTransaction();
            foreach (var id in lost)
                Execute(connection, "DELETE FROM reports WHERE id = $id; DELETE FROM idempotency WHERE report_id = $id;", ("$id", id));
            Execute(connection, "DELETE FROM pending;");
            transaction.Commit();
        }
        catch (Exception e) when (lost.Count == 0 && StorageFull.Caused(e))
        {
            // A full disk cannot take even the clearing of the marks. Every marked file holds its bytes, so
            // the marks may stay: the next start checks them again. (With a row to remove, start-up stops
            // instead: that row must not be listed.)
        }
        foreach (var id in lost)
            _blobs.Shred(id);
    }

    sealed record PendingAdd(NewReport Report, byte[] Sha256)
    {
        public TaskCompletionSource<AddResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    readonly BlockingCollection<PendingAdd> _pendingAdds = new();
    readonly Thread _committer;

    /// <summary>A batch is bounded so that one commit's latency stays bounded too.</summary>
    const int MaxBatch = 64;

    void CommitLoop()
    {
        var batch = new List<PendingAdd>(MaxBatch);
        foreach (var first in _pendingAdds.GetConsumingEnumerable())
        {
            batch.Clear();
            batch.Add(first);
            while (batch.Count < MaxBatch && _pendingAdds.TryTake(out var next))
                batch.Add(next);
            _writer.Wait();
            try
            {
                CommitPendingAdds(batch);
            }
            finally
            {
                _writer.Release();
            }
        }
    }

    void CommitPendingAdds(List<PendingAdd> batch)
    {
        var outcomes = new AddResult[batch.Count];
        var cleared = new List<string>();
        try
        {
            var connection = Writer();
            var statements = _statements!;
            using var transaction = connection.BeginTransaction();
            for (var n = 0; n < 4 * MaxBatch && _durable.TryDequeue(out var durableId); n++)
            {
                cleared.Add(durableId);
                statements.Execute(transaction, "DELETE FROM pending WHERE id = $id", ("$id", durableId));
            }
            for (var i = 0; i < batch.Count; i++)
            {
                statements.Execute(transaction, "SAVEPOINT submission;");
                outcomes[i] = AddOne(statements, transaction, batch[i].Report, batch[i].Sha256);
                statements.Execute(transaction, outcomes[i].Outcome == AddOutcome.Stored ? "RELEASE submission;" : "ROLLBACK TO submission; RELEASE submission;");
            }
            transaction.Commit();
        }
        catch (Exception e)
        {
            // The commit itself failed (disk full, I/O error): nothing of this batch is acknowledged, and
            // the marks it was to clear are cleared by a later commit. The thread goes on with the next batch.
            foreach (var id in cleared)
                _durable.Enqueue(id);
            foreach (var pending in batch)
                pending.Result.TrySetException(e);
            return;
        }
        for (var i = 0; i < batch.Count; i++)
            batch[i].Result.TrySetResult(outcomes[i]);
    }

    static AddResult AddOne(PreparedStatements statements, SqliteTransaction transaction, NewReport report, byte[] sha256)
    {
        if (statements.Scalar(transaction, "SELECT report_id FROM idempotency WHERE key_hash = $k", ("$k", report.IdempotencyKeyHash)) is string id)
            return new AddResult(AddOutcome.Duplicate, id);
        if (statements.Execute(transaction, "INSERT OR IGNORE INTO spent_tokens (token_id, expires) VALUES ($t, $e)",
                ("$t", report.TokenId), ("$e", Day(report.TokenExpires))) == 0)
            return new AddResult(AddOutcome.TokenSpent, "");
        statements.Execute(transaction, "INSERT INTO reports (id, day, size, roster_version, expires) VALUES ($id, $d, $s, $v, $e)",
            ("$id", report.Id), ("$d", Day(report.Day)), ("$s", report.Size), ("$v", report.RosterVersion), ("$e", Day(report.Expires)));
        statements.Execute(transaction, "INSERT INTO idempotency (key_hash, report_id, day) VALUES ($k, $id, $d)",
            ("$k", report.IdempotencyKeyHash), ("$id", report.Id), ("$d", Day(report.Day)));
        statements.Execute(transaction, "INSERT INTO pending (id, size, sha256) VALUES ($id, $s, $h)",
            ("$id", report.Id), ("$s", report.Size), ("$h", sha256));
        return new AddResult(AddOutcome.Stored, report.Id);
    }

    /// <summary>The write connection's submission statements, each prepared once and reused (SQLite
    /// parses and plans a statement anew every time a fresh command runs it).</summary>
    sealed class PreparedStatements(SqliteConnection connection) : IDisposable
    {
        readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

        SqliteCommand Get(SqliteTransaction transaction, string sql)
        {
            if (!_commands.TryGetValue(sql, out var command))
            {
                command = connection.CreateCommand();
                command.CommandText = sql;
                _commands.Add(sql, command);
            }
            command.Transaction = transaction;
            command.Parameters.Clear();
            return command;
        }

        public int Execute(SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters) =>
            With(Get(transaction, sql), parameters).ExecuteNonQuery();

        public object? Scalar(SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters) =>
            With(Get(transaction, sql), parameters).ExecuteScalar();

        static SqliteCommand With(SqliteCommand command, (string Name, object Value)[] parameters)
        {
            foreach (var (name, value) in parameters)
                command.Parameters.AddWithValue(name, value);
            return command;
        }

        public void Dispose()
        {
            foreach (var command in _commands.Values)
                command.Dispose();
            _commands.Clear();
        }
    }

    public async Task<string?> FindByIdempotencyKeyAsync(byte[] keyHash, CancellationToken cancellationToken = default) =>
        (await LookUpSubmissionAsync(keyHash, "", cancellationToken)).EarlierId;

    public async Task<bool> IsTokenSpentAsync(string tokenId, CancellationToken cancellationToken = default) =>
        (await LookUpSubmissionAsync([], tokenId, cancellationToken)).TokenSpent;

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

    public Task<IAsyncDisposable?> TryClaimTokenAsync(string tokenId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IAsyncDisposable?>(_claimedTokens.TryAdd(tokenId, 0) ? new Release(() => _claimedTokens.TryRemove(tokenId, out _)) : null);

    public async Task<IAsyncDisposable> LockAsync(string job, CancellationToken cancellationToken = default)
    {
        var gate = _jobLocks.GetOrAdd(job, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Release(() => gate.Release());
    }

    sealed class Release(Action release) : IAsyncDisposable
    {
        int _done;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
                release();
            return ValueTask.CompletedTask;
        }
    }

    public async Task<IReadOnlyList<StoredItem>> ListReportsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return ReadItems(connection, "SELECT id, day, size, roster_version FROM reports ORDER BY day, id");
    }

    public async Task<StoredBlob?> OpenReportAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return Scalar(connection, "SELECT size FROM reports WHERE id = $id", ("$id", id)) is long size ? OpenBlob(id, size) : null;
    }

    StoredBlob? OpenBlob(string id, long size) =>
        _blobs.Open(id) is { } file ? new StoredBlob(size, file) : null; // deleted between the look-up and the open

    public Task<bool> DeleteReportAsync(string id, CancellationToken cancellationToken = default) =>
        WriteAsync(connection => DeleteItem(connection, id, "DELETE FROM reports WHERE id = $id", ("$id", id)), cancellationToken);

    public Task<string> AddReplyAsync(NewReply reply, Stream ciphertext, CancellationToken cancellationToken = default) =>
        WriteAsync(async connection =>
        {
            // The idempotency table serves replies too, keyed by mailbox and content (kept 7 days like the rest).
            var key = reply.IdempotencyKeyHash;
            if (Scalar(connection, "SELECT r.id FROM idempotency i JOIN replies r ON r.id = i.report_id WHERE i.key_hash = $k AND r.mailbox = $m",
                    ("$k", key), ("$m", reply.Mailbox)) is string earlier)
                return earlier;
            await _blobs.WriteAsync(reply.Id, ciphertext, reply.Size, reply.Day, sync: true, cancellationToken);
            KeepReserve(reply.Id);
            try
            {
                _blobs.SyncFolder();
                using var transaction = connection.BeginTransaction();
                Execute(connection, "INSERT INTO replies (id, mailbox, day, size, expires) VALUES ($id, $m, $d, $s, $e)",
                    ("$id", reply.Id), ("$m", reply.Mailbox), ("$d", Day(reply.Day)), ("$s", reply.Size), ("$e", Day(reply.Expires)));
                Execute(connection, "INSERT OR REPLACE INTO idempotency (key_hash, report_id, day) VALUES ($k, $id, $d)",
                    ("$k", key), ("$id", reply.Id), ("$d", Day(reply.Day)));
                transaction.Commit();
            }
            catch
            {
                _blobs.Shred(reply.Id);
                throw;
            }
            return reply.Id;
        }, cancellationToken);

    public async Task<IReadOnlyList<StoredItem>> ListRepliesAsync(string mailbox, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return ReadItems(connection, "SELECT id, day, size, 0 FROM replies WHERE mailbox = $m ORDER BY day, id", ("$m", mailbox));
    }

    public async Task<StoredBlob?> OpenReplyAsync(string mailbox, string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return Scalar(connection, "SELECT size FROM replies WHERE id = $id AND mailbox = $m", ("$id", id), ("$m", mailbox)) is long size
            ? OpenBlob(id, size)
            : null;
    }

    public Task<bool> DeleteReplyAsync(string mailbox, string id, CancellationToken cancellationToken = default) =>
        WriteAsync(connection => DeleteItem(connection, id, "DELETE FROM replies WHERE id = $id AND mailbox = $m", ("$id", id), ("$m", mailbox)), cancellationToken);

    /// <summary>Deletes a report's or reply's row (by <paramref name="rowSql"/>) and any idempotency key
    /// pointing at it, then its file, then purges the freed pages.</summary>
    bool DeleteItem(SqliteConnection connection, string id, string rowSql, params (string, object)[] parameters)
    {
        int deleted;
        using (var transaction = connection.BeginTransaction())
        {
            deleted = Execute(connection, rowSql, parameters);
            if (deleted > 0)
                Execute(connection, "DELETE FROM idempotency WHERE report_id = $id; DELETE FROM pending WHERE id = $id;", ("$id", id));
            transaction.Commit();
        }
        if (deleted == 0)
            return false;
        _blobs.Shred(id);
        _blobs.SyncFolder();
        Purge(connection);
        return true;
    }

    /// <summary>Runs <paramref name="work"/> on the write connection, alone.</summary>
    async Task<T> WriteAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            return await work(Writer());
        }
        finally
        {
            _writer.Release();
        }
    }

    Task<T> WriteAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken) =>
        WriteAsync(connection => Task.FromResult(work(connection)), cancellationToken);

    public Task SpendTokenAsync(string tokenId, DateOnly expires, CancellationToken cancellationToken = default) =>
        WriteAsync(connection => Execute(connection, "INSERT OR IGNORE INTO spent_tokens (token_id, expires) VALUES ($t, $e)",
            ("$t", tokenId), ("$e", Day(expires))), cancellationToken);

    public Task<bool> TryUseNonceAsync(string nonce, DateOnly day, CancellationToken cancellationToken = default) =>
        WriteAsync(connection => Execute(connection, "INSERT OR IGNORE INTO nonces (nonce, day) VALUES ($n, $d)", ("$n", nonce), ("$d", Day(day))) == 1,
            cancellationToken);

    public Task RememberRosterAsync(int version, byte[] fileBytes, DateOnly day, CancellationToken cancellationToken = default) =>
        WriteAsync(connection => Execute(connection, "INSERT OR IGNORE INTO rosters (version, file, first_served) VALUES ($v, $f, $d)",
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

    public Task<int> DeleteExpiredAsync(DateOnly today, DateOnly idempotencyCutoff, CancellationToken cancellationToken = default) =>
        WriteAsync(connection =>
        {
            var day = Day(today);
            var due = new List<string>();
            using (var transaction = connection.BeginTransaction())
            {
                using (var query = Command(connection, "SELECT id FROM reports WHERE expires <= $d UNION ALL SELECT id FROM replies WHERE expires <= $d", ("$d", day)))
                using (var reader = query.ExecuteReader())
                    while (reader.Read())
                        due.Add(reader.GetString(0));
                Execute(connection, """
                    DELETE FROM idempotency WHERE report_id IN (SELECT id FROM reports WHERE expires <= $d);
                    DELETE FROM idempotency WHERE report_id IN (SELECT id FROM replies WHERE expires <= $d);
                    DELETE FROM pending WHERE id IN (SELECT id FROM reports WHERE expires <= $d);
                    DELETE FROM reports WHERE expires <= $d;
                    DELETE FROM replies WHERE expires <= $d;
                    """, ("$d", day));
                // A token's expiry day has passed: it can no longer be presented, so its id can go.
                Execute(connection, "DELETE FROM spent_tokens WHERE expires < $d", ("$d", day));
                // Nonces live minutes; keeping yesterday's covers a request signed just before midnight.
                Execute(connection, "DELETE FROM nonces WHERE day < $y", ("$y", Day(today.AddDays(-1))));
                Execute(connection, "DELETE FROM idempotency WHERE day < $c", ("$c", Day(idempotencyCutoff)));
                transaction.Commit();
            }
            foreach (var id in due)
                _blobs.Shred(id);
            _blobs.SyncFolder();
            Purge(connection);
            // Every file's inode change time becomes now, so none tells when it arrived (BlobFiles).
            _blobs.BlurTimes(ItemDays(connection));
            return due.Count;
        }, cancellationToken);

    /// <summary>After a deletion: secure_delete has zeroed the freed pages; hand them back to the file
    /// system and empty the WAL, so the old rows are in neither file any more.</summary>
    static void Purge(SqliteConnection connection)
    {
        Execute(connection, "PRAGMA incremental_vacuum;");
        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
    }

    static List<StoredItem> ReadItems(SqliteConnection connection, string sql, params (string, object)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        using var reader = command.ExecuteReader();
        var items = new List<StoredItem>();
        while (reader.Read())
            items.Add(new StoredItem(reader.GetString(0), ParseDay(reader.GetString(1)), reader.GetInt64(2), reader.GetInt32(3)));
        return items;
    }

    /// <summary>Microsoft.Data.Sqlite does its I/O synchronously anyway; this only honours cancellation.</summary>
    Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Open());
    }

    /// <summary>A pooled connection for reading (WAL: readers never wait for the writer).</summary>
    SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return command;
    }

    static int Execute(SqliteConnection connection, string sql, params (string, object)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }

    static object? Scalar(SqliteConnection connection, string sql, params (string, object)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteScalar();
    }

    static string Day(DateOnly day) => day.ToString(DayFormat, CultureInfo.InvariantCulture);
    static DateOnly ParseDay(string text) => DateOnly.ParseExact(text, DayFormat, CultureInfo.InvariantCulture);
}
