using System.Text;
using System.Security.Cryptography;
using System.Buffers;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Reporting.Server.Storage;

/// <summary>The default store: one SQLite file under the data folder. WAL for concurrent readers,
/// <c>synchronous=FULL</c> because a 201 promises durability, <c>secure_delete</c> so deleted bytes are
/// overwritten, and no hidden counter that records the order things arrived in: tables are WITHOUT
/// ROWID, except the chunk table, whose rowids are random (SQLite stores large blobs much faster in a
/// rowid table).
/// Ciphertext is kept in 1 MiB chunks: bodies stream through and SQLite's 1 GB blob limit never bites.</summary>
public sealed class SqliteReportStore : IReportStore, IDisposable
{
    /// <summary>Large enough that a 64 KiB envelope is one row, small enough that a chunk in memory
    /// (writing or reading) costs little.</summary>
    public const int ChunkSize = 1 << 20;

    const string DayFormat = "yyyy-MM-dd";

    readonly string _connectionString;
    readonly string _path;

    /// <summary>SQLite has one writer at a time; waiting here is cheaper and fairer than SQLite's busy
    /// retries (which sleep). Several processes on one file are not supported: that is PostgreSQL's job.</summary>
    readonly SemaphoreSlim _writer = new(1, 1);

    /// <summary>The one connection that writes, used only under <see cref="_writer"/>: its settings are
    /// made once, and no write pays for opening a connection.</summary>
    SqliteConnection? _writeConnection;
    PreparedStatements? _statements;

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

    Task? _checkpoints;
    readonly CancellationTokenSource _stopping = new();

    /// <summary>How often the WAL is copied into the database: often enough that the WAL stays a few
    /// megabytes under steady load. A passive checkpoint never blocks the writer or readers.</summary>
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

    public SqliteReportStore(string databasePath)
    {
        _path = Path.GetFullPath(databasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
        _committer = new Thread(CommitLoop) { IsBackground = true, Name = "Reporting submissions" };
        _committer.Start();
    }

    public string DatabasePath => _path;

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
        // page_size and auto_vacuum must be chosen before the first table exists. 16 KiB pages: every
        // page a commit touches is written whole to the WAL and again at the checkpoint, and a batch of
        // submissions touches a leaf of each table and index per report (random keys); 64 KiB pages
        // wrote about 900 KiB per 64 KiB envelope, 16 KiB pages about 350 KiB, with a few WAL frames
        // per envelope rather than 4 KiB pages' seventeen. An existing database keeps its page size.
        // Incremental auto_vacuum lets retention give freed pages back to the file system.
        Execute(connection, """
            PRAGMA page_size = 16384;
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
            """);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Group commit: one dedicated thread commits every submission waiting at that moment in one
    /// transaction (one fsync), each inside its own savepoint so one failure or duplicate does not touch
    /// the others. Under load this turns 32 fsyncs into one; alone, a submission commits by itself. The
    /// thread is its own so that SQLite's blocking writes and fsyncs never hold a thread-pool thread that
    /// Kestrel needs to receive the next bodies. A submission is answered only after its commit returned.</summary>
    public Task<AddResult> AddReportAsync(NewReport report, Stream ciphertext, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new PendingAdd(report, ciphertext);
        _pendingAdds.Add(pending, cancellationToken);
        return pending.Result.Task;
    }

    sealed record PendingAdd(NewReport Report, Stream Ciphertext)
    {
        public TaskCompletionSource<AddResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    readonly System.Collections.Concurrent.BlockingCollection<PendingAdd> _pendingAdds = new();
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
        var outcomes = new (AddResult? Result, Exception? Error)[batch.Count];
        try
        {
            var connection = Writer();
            var statements = _statements!;
            using var transaction = connection.BeginTransaction();
            for (var i = 0; i < batch.Count; i++)
            {
                statements.Execute(transaction, "SAVEPOINT submission;");
                try
                {
                    var result = AddOne(statements, transaction, batch[i].Report, batch[i].Ciphertext);
                    statements.Execute(transaction, result.Outcome == AddOutcome.Stored ? "RELEASE submission;" : "ROLLBACK TO submission; RELEASE submission;");
                    outcomes[i] = (result, null);
                }
                catch (Exception e) when (e is IOException or ArgumentException or OperationCanceledException)
                {
                    statements.Execute(transaction, "ROLLBACK TO submission; RELEASE submission;");
                    outcomes[i] = (null, e);
                }
            }
            transaction.Commit();
        }
        catch (Exception e)
        {
            // The commit itself failed (disk full, I/O error): nothing of this batch is acknowledged.
            foreach (var pending in batch)
                pending.Result.TrySetException(e);
            return;
        }
        for (var i = 0; i < batch.Count; i++)
        {
            if (outcomes[i].Error is { } error)
                batch[i].Result.TrySetException(error);
            else
                batch[i].Result.TrySetResult(outcomes[i].Result!);
        }
    }

    static AddResult AddOne(PreparedStatements statements, SqliteTransaction transaction, NewReport report, Stream ciphertext)
    {
        if (statements.Scalar(transaction, "SELECT report_id FROM idempotency WHERE key_hash = $k", ("$k", report.IdempotencyKeyHash)) is string id)
            return new AddResult(AddOutcome.Duplicate, id);
        if (statements.Execute(transaction, "INSERT OR IGNORE INTO spent_tokens (token_id, expires) VALUES ($t, $e)",
                ("$t", report.TokenId), ("$e", Day(report.TokenExpires))) == 0)
            return new AddResult(AddOutcome.TokenSpent, "");
        statements.Execute(transaction, "INSERT INTO reports (id, day, size, roster_version, expires) VALUES ($id, $d, $s, $v, $e)",
            ("$id", report.Id), ("$d", Day(report.Day)), ("$s", report.Size), ("$v", report.RosterVersion), ("$e", Day(report.Expires)));
        WriteChunks(statements.Get(transaction, ChunkInsert), report.Id, report.Size, ciphertext);
        statements.Execute(transaction, "INSERT INTO idempotency (key_hash, report_id, day) VALUES ($k, $id, $d)",
            ("$k", report.IdempotencyKeyHash), ("$id", report.Id), ("$d", Day(report.Day)));
        return new AddResult(AddOutcome.Stored, report.Id);
    }

    /// <summary>The write connection's submission statements, each prepared once and reused (SQLite
    /// parses and plans a statement anew every time a fresh command runs it).</summary>
    sealed class PreparedStatements(SqliteConnection connection) : IDisposable
    {
        readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

        /// <summary>The command for <paramref name="sql"/>, in <paramref name="transaction"/>, its parameters cleared.</summary>
        public SqliteCommand Get(SqliteTransaction transaction, string sql)
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

    public async Task<IReadOnlyList<StoredItem>> ListReportsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return ReadItems(connection, "SELECT id, day, size, roster_version FROM reports ORDER BY day, id");
    }

    public async Task<StoredBlob?> OpenReportAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return Scalar(connection, "SELECT size FROM reports WHERE id = $id", ("$id", id)) is long size
            ? new StoredBlob(size, new ChunkReader(this, id, size))
            : null;
    }

    public Task<bool> DeleteReportAsync(string id, CancellationToken cancellationToken = default) =>
        WriteAsync(connection => DeleteOwner(connection, id, "DELETE FROM reports WHERE id = $id", ("$id", id)), cancellationToken);

    public Task<string> AddReplyAsync(NewReply reply, Stream ciphertext, CancellationToken cancellationToken = default) =>
        WriteAsync(connection =>
        {
            // The idempotency table serves replies too, keyed by mailbox and content (kept 7 days like the rest).
            var key = SHA256.HashData([.. "reply\n"u8, .. Encoding.UTF8.GetBytes(reply.Mailbox), (byte)'\n', .. reply.ContentHash]);
            using var transaction = connection.BeginTransaction();
            if (Scalar(connection, "SELECT r.id FROM idempotency i JOIN replies r ON r.id = i.report_id WHERE i.key_hash = $k AND r.mailbox = $m",
                    ("$k", key), ("$m", reply.Mailbox)) is string earlier)
                return earlier;
            Execute(connection, "INSERT INTO replies (id, mailbox, day, size, expires) VALUES ($id, $m, $d, $s, $e)",
                ("$id", reply.Id), ("$m", reply.Mailbox), ("$d", Day(reply.Day)), ("$s", reply.Size), ("$e", Day(reply.Expires)));
            using (var insert = Command(connection, ChunkInsert))
                WriteChunks(insert, reply.Id, reply.Size, ciphertext);
            Execute(connection, "INSERT OR REPLACE INTO idempotency (key_hash, report_id, day) VALUES ($k, $id, $d)",
                ("$k", key), ("$id", reply.Id), ("$d", Day(reply.Day)));
            transaction.Commit();
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
            ? new StoredBlob(size, new ChunkReader(this, id, size))
            : null;
    }

    public Task<bool> DeleteReplyAsync(string mailbox, string id, CancellationToken cancellationToken = default) =>
        WriteAsync(connection => DeleteOwner(connection, id, "DELETE FROM replies WHERE id = $id AND mailbox = $m", ("$id", id), ("$m", mailbox)), cancellationToken);

    /// <summary>Deletes a report's or reply's row (by <paramref name="rowSql"/>), its chunks and any
    /// idempotency key pointing at it, then purges the freed bytes.</summary>
    static bool DeleteOwner(SqliteConnection connection, string id, string rowSql, params (string, object)[] parameters)
    {
        int deleted;
        using (var transaction = connection.BeginTransaction())
        {
            deleted = Execute(connection, rowSql, parameters);
            if (deleted > 0)
            {
                Execute(connection, "DELETE FROM chunks WHERE owner = $id", ("$id", id));
                Execute(connection, "DELETE FROM idempotency WHERE report_id = $id", ("$id", id));
            }
            transaction.Commit();
        }
        if (deleted > 0)
            Purge(connection);
        return deleted > 0;
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

    public async Task<int> DeleteExpiredAsync(DateOnly today, DateOnly idempotencyCutoff, CancellationToken cancellationToken = default)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            var connection = Writer();
            int deleted;
            using (var transaction = connection.BeginTransaction())
            {
                var day = Day(today);
                Execute(connection, """
                    DELETE FROM chunks WHERE owner IN (SELECT id FROM reports WHERE expires <= $d);
                    DELETE FROM idempotency WHERE report_id IN (SELECT id FROM reports WHERE expires <= $d);
                    DELETE FROM chunks WHERE owner IN (SELECT id FROM replies WHERE expires <= $d);
                    """, ("$d", day));
                deleted = Execute(connection, "DELETE FROM reports WHERE expires <= $d", ("$d", day))
                    + Execute(connection, "DELETE FROM replies WHERE expires <= $d", ("$d", day));
                // A token's expiry day has passed: it can no longer be presented, so its id can go.
                Execute(connection, "DELETE FROM spent_tokens WHERE expires < $d", ("$d", day));
                // Nonces live minutes; keeping yesterday's covers a request signed just before midnight.
                Execute(connection, "DELETE FROM nonces WHERE day < $y", ("$y", Day(today.AddDays(-1))));
                Execute(connection, "DELETE FROM idempotency WHERE day < $c", ("$c", Day(idempotencyCutoff)));
                transaction.Commit();
            }
            Purge(connection);
            return deleted;
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>After a deletion: secure_delete has zeroed the freed pages; hand them back to the file
    /// system and empty the WAL, so the old ciphertext is in neither file any more.</summary>
    static void Purge(SqliteConnection connection)
    {
        Execute(connection, "PRAGMA incremental_vacuum;");
        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
    }

    /// <summary>random(): a rowid that says nothing about when the chunk was written.</summary>
    const string ChunkInsert = "INSERT INTO chunks (rowid, owner, seq, data) VALUES (random(), $o, $s, $d)";

    /// <summary>Stores <paramref name="source"/> as chunk rows through <paramref name="insert"/> (a
    /// <see cref="ChunkInsert"/> command without parameters). Synchronous: it runs on the write connection,
    /// whose SQLite calls block anyway, and the source is a body already received whole.</summary>
    static void WriteChunks(SqliteCommand insert, string owner, long size, Stream source)
    {
        insert.Parameters.AddWithValue("$o", owner);
        var seqParameter = insert.Parameters.Add("$s", SqliteType.Integer);
        var dataParameter = insert.Parameters.Add("$d", SqliteType.Blob);
        // A small body already in memory is stored as it is, without another copy.
        if (size <= ChunkSize && source is MemoryStream { Position: 0 } memory && memory.TryGetBuffer(out var whole)
            && whole.Offset == 0 && whole.Count == size && whole.Array!.Length == size)
        {
            if (size == 0)
                return;
            seqParameter.Value = 0;
            dataParameter.Value = whole.Array;
            insert.ExecuteNonQuery();
            memory.Position = size;
            return;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            long total = 0;
            for (var seq = 0; ; seq++)
            {
                var filled = source.ReadAtLeast(buffer.AsSpan(0, ChunkSize), ChunkSize, throwOnEndOfStream: false);
                if (filled == 0)
                    break;
                total += filled;
                if (total > size)
                    throw new ArgumentException("The ciphertext is longer than its declared size.", nameof(source));
                seqParameter.Value = seq;
                dataParameter.Value = filled == buffer.Length ? buffer : buffer.AsSpan(0, filled).ToArray();
                insert.ExecuteNonQuery();
                if (filled < ChunkSize)
                    break;
            }
            if (total != size)
                throw new ArgumentException("The ciphertext is shorter than its declared size.", nameof(source));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    internal byte[]? ReadChunk(string owner, int seq)
    {
        using var connection = Open();
        return Scalar(connection, "SELECT data FROM chunks WHERE owner = $o AND seq = $s", ("$o", owner), ("$s", seq)) as byte[];
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

    /// <summary>Reads a stored item chunk by chunk, each with a short query: no transaction stays open
    /// while a slow client downloads.</summary>
    sealed class ChunkReader(SqliteReportStore store, string owner, long length) : Stream
    {
        byte[] _chunk = [];
        int _offset;
        int _seq;
        long _position;

        public override int Read(Span<byte> destination)
        {
            if (_position == length || destination.IsEmpty)
                return 0;
            if (_offset == _chunk.Length)
            {
                _chunk = store.ReadChunk(owner, _seq++)
                    ?? throw new IOException("The stored item was deleted while it was being read.");
                _offset = 0;
                if (_chunk.Length == 0)
                    throw new IOException("The stored item is damaged.");
            }
            var count = Math.Min(destination.Length, _chunk.Length - _offset);
            _chunk.AsSpan(_offset, count).CopyTo(destination);
            _offset += count;
            _position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

