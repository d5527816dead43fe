using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using Reporting.Format.IO;

namespace Reporting.Server.Storage;

/// <summary>The store for several server instances on one PostgreSQL database: everything, ciphertext
/// included, lives in the database, so any instance serves what another received, and the one-time
/// values (spent and in-flight tokens, nonces, idempotency keys) and the Data Protection key ring are
/// shared. Ciphertext is kept in 1 MiB chunk rows stored out of line without compression (it does not
/// compress); a report is listed only once its rows commit, in the same transaction as its token and
/// idempotency key. Cross-instance locks are PostgreSQL advisory locks held by a connection, so they
/// die with the instance that held them.</summary>
public sealed class PostgresReportStore : IReportStore, IDisposable
{
    /// <summary>Large enough that a typical envelope is one row, small enough that a chunk in memory
    /// (writing or reading) costs little.</summary>
    public const int ChunkSize = 1 << 20;

    readonly NpgsqlDataSource _data;

    public PostgresReportStore(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // Submissions run the same few statements: prepared once per connection, then reused.
        if (builder.MaxAutoPrepare == 0)
            builder.MaxAutoPrepare = 32;
        // No application name that could tell a database administrator more than needed.
        builder.ApplicationName ??= "reporting-server";
        _data = NpgsqlDataSource.Create(builder);
    }

    public NpgsqlDataSource DataSource => _data;

    /// <summary>May be called more than once (the host disposes the store under each service it serves). The
    /// token source is only cancelled, never disposed: it has no timer, and a late vacuum task may still look at it.</summary>
    public void Dispose()
    {
        _stopping.Cancel();
        _data.Dispose();
    }

    /// <summary>How long after a delete the chunks are vacuumed: one VACUUM serves every delete made meanwhile.</summary>
    public static readonly TimeSpan VacuumDelay = TimeSpan.FromSeconds(5);

    readonly CancellationTokenSource _stopping = new();
    int _vacuumScheduled;

    /// <summary>A deleted report's chunks are dead rows that only a vacuum lets PostgreSQL reuse. Autovacuum
    /// comes at its leisure (a minute's nap, then throttled): under steady deleting the soak saw the database
    /// grow from 0.5 to 5 GiB while it held 64 MiB of reports, the deleted ciphertext lingering in pages
    /// nothing could yet overwrite. So a delete schedules one VACUUM of the chunks a few seconds later, on
    /// this instance; deletes until it starts share it, later ones schedule the next. If it fails, autovacuum
    /// still gets there.</summary>
    void ScheduleVacuum()
    {
        if (Interlocked.Exchange(ref _vacuumScheduled, 1) == 1)
            return;
        var stopping = _stopping.Token;
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(VacuumDelay, stopping);
                Volatile.Write(ref _vacuumScheduled, 0);
                await using var connection = await _data.OpenConnectionAsync(stopping);
                await using var vacuum = new NpgsqlCommand("VACUUM chunks", connection) { CommandTimeout = 0 };
                await vacuum.ExecuteNonQueryAsync(stopping);
            }
            catch (Exception e) when (e is NpgsqlException or OperationCanceledException or ObjectDisposedException)
            {
            }
        });
    }

    public Task InitializeAsync(CancellationToken cancellationToken = default) => PostgresSchema.MigrateAsync(_data, cancellationToken);

    /// <summary>One statement spends the token, takes the idempotency key and stores the row with the first
    /// chunk, each step only if the one before it took: an envelope of one chunk (nearly all) is stored in
    /// one round trip, as its own transaction. A larger one runs in a transaction that goes on with the
    /// rest of its chunks. A retry whose first attempt is committing waits for it on the key, then finds
    /// the key taken and gets the first answer whatever its token.</summary>
    public async Task<AddResult> AddReportAsync(NewReport report, Stream ciphertext, CancellationToken cancellationToken = default)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var first = await ciphertext.ReadAtLeastAsync(buffer.AsMemory(0, ChunkSize), ChunkSize, throwOnEndOfStream: false, cancellationToken);
            var whole = first < ChunkSize;
            CheckLength(first, report.Size, whole);
            await using var connection = await _data.OpenConnectionAsync(cancellationToken);
            await using var transaction = whole ? null : await connection.BeginTransactionAsync(cancellationToken);
            await using (var add = new NpgsqlCommand("""
                WITH t AS (INSERT INTO spent_tokens (token_id, expires) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1),
                     k AS (INSERT INTO idempotency (key_hash, report_id, day) SELECT $3, $4, $5 WHERE EXISTS (SELECT 1 FROM t)
                           ON CONFLICT DO NOTHING RETURNING 1),
                     r AS (INSERT INTO reports (id, day, size, roster_version, expires) SELECT $4, $5, $6, $7, $8 WHERE EXISTS (SELECT 1 FROM k)),
                     c AS (INSERT INTO chunks (owner, seq, data) SELECT $4, 0, $9 WHERE EXISTS (SELECT 1 FROM k) AND length($9) > 0)
                SELECT EXISTS (SELECT 1 FROM t), EXISTS (SELECT 1 FROM k)
                """, connection, transaction))
            {
                Add(add.Parameters, report.TokenId, report.TokenExpires, report.IdempotencyKeyHash, report.Id, report.Day,
                    report.Size, report.RosterVersion, report.Expires);
                add.Parameters.Add(Bytes(buffer, first));
                await using var reader = await add.ExecuteReaderAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                if (!reader.GetBoolean(0) || !reader.GetBoolean(1))
                {
                    await reader.DisposeAsync();
                    if (transaction is not null)
                        await transaction.RollbackAsync(cancellationToken);
                    return await FindByIdempotencyKeyAsync(report.IdempotencyKeyHash, cancellationToken) is { } earlier
                        ? new AddResult(AddOutcome.Duplicate, earlier)
                        : new AddResult(AddOutcome.TokenSpent, "");
                }
            }
            if (transaction is not null)
            {
                await WriteChunksAsync(connection, transaction, report.Id, firstSeq: 1, first, report.Size, ciphertext, buffer, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            return new AddResult(AddOutcome.Stored, report.Id);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Inserts the chunks of <paramref name="source"/> from <paramref name="firstSeq"/> on, after
    /// <paramref name="written"/> bytes already stored. Throws <see cref="ArgumentException"/> when the source
    /// is shorter or longer than declared; the caller's transaction then rolls back with nothing kept.</summary>
    static async Task WriteChunksAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string owner, int firstSeq, long written, long size,
        Stream source, byte[] buffer, CancellationToken cancellationToken)
    {
        for (var seq = firstSeq; ; seq++)
        {
            var filled = await source.ReadAtLeastAsync(buffer.AsMemory(0, ChunkSize), ChunkSize, throwOnEndOfStream: false, cancellationToken);
            written += filled;
            CheckLength(written, size, whole: filled < ChunkSize);
            if (filled == 0)
                return;
            await using var insert = new NpgsqlCommand("INSERT INTO chunks (owner, seq, data) VALUES ($1, $2, $3)", connection, transaction);
            Add(insert.Parameters, owner, seq);
            insert.Parameters.Add(Bytes(buffer, filled));
            await insert.ExecuteNonQueryAsync(cancellationToken);
            if (filled < ChunkSize)
                return;
        }
    }

    /// <summary>Refuses a source longer than declared, or one that ended (<paramref name="whole"/>) short of it.</summary>
    static void CheckLength(long read, long size, bool whole)
    {
        if (read > size)
            throw new ArgumentException("The ciphertext is longer than its declared size.", "ciphertext");
        if (whole && read != size)
            throw new ArgumentException("The ciphertext is shorter than its declared size.", "ciphertext");
    }

    static NpgsqlParameter Bytes(byte[] buffer, int count) =>
        new() { NpgsqlDbType = NpgsqlDbType.Bytea, Value = new ReadOnlyMemory<byte>(buffer, 0, count) };

    public async Task<string?> FindByIdempotencyKeyAsync(byte[] keyHash, CancellationToken cancellationToken = default) =>
        (await LookUpSubmissionAsync(keyHash, "", cancellationToken)).EarlierId;

    public async Task<bool> IsTokenSpentAsync(string tokenId, CancellationToken cancellationToken = default) =>
        (await LookUpSubmissionAsync([], tokenId, cancellationToken)).TokenSpent;

    public async Task<SubmissionLookup> LookUpSubmissionAsync(byte[] keyHash, string tokenId, CancellationToken cancellationToken = default)
    {
        await using var command = _data.CreateCommand("""
            SELECT (SELECT report_id FROM idempotency WHERE key_hash = $1),
                   EXISTS (SELECT 1 FROM spent_tokens WHERE token_id = $2)
            """);
        Add(command.Parameters, keyHash, tokenId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new SubmissionLookup(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetBoolean(1));
    }

    public Task SpendTokenAsync(string tokenId, DateOnly expires, CancellationToken cancellationToken = default) =>
        ExecuteAsync("INSERT INTO spent_tokens (token_id, expires) VALUES ($1, $2) ON CONFLICT DO NOTHING", cancellationToken, tokenId, expires);

    public async Task<IAsyncDisposable?> TryClaimTokenAsync(string tokenId, CancellationToken cancellationToken = default) =>
        await AdvisoryLock.TryTakeAsync(_data, "token:" + tokenId, cancellationToken);

    public async Task<IAsyncDisposable> LockAsync(string job, CancellationToken cancellationToken = default) =>
        await AdvisoryLock.TakeAsync(_data, "job:" + job, cancellationToken);

    public Task<IReadOnlyList<StoredItem>> ListReportsAsync(CancellationToken cancellationToken = default) =>
        ReadItemsAsync("SELECT id, day, size, roster_version FROM reports ORDER BY day, id", cancellationToken);

    public async Task<StoredBlob?> OpenReportAsync(string id, CancellationToken cancellationToken = default) =>
        await ScalarAsync("SELECT size FROM reports WHERE id = $1", cancellationToken, id) is long size
            ? new StoredBlob(size, new ChunkReader(_data, id, size))
            : null;

    public Task<bool> DeleteReportAsync(string id, CancellationToken cancellationToken = default) =>
        DeleteItemAsync("DELETE FROM reports WHERE id = $1", id, null, cancellationToken);

    public async Task<string> AddReplyAsync(NewReply reply, Stream ciphertext, CancellationToken cancellationToken = default)
    {
        var key = reply.IdempotencyKeyHash;
        await using var connection = await _data.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Takes the key (or waits for whoever holds it, then reads theirs): two posts of the same reply
        // store one, whichever instance each reached.
        await using (var claim = new NpgsqlCommand("""
            INSERT INTO idempotency (key_hash, report_id, day) VALUES ($1, $2, $3)
            ON CONFLICT (key_hash) DO UPDATE SET key_hash = EXCLUDED.key_hash RETURNING report_id
            """, connection, transaction))
        {
            Add(claim.Parameters, key, reply.Id, reply.Day);
            var holder = (string)(await claim.ExecuteScalarAsync(cancellationToken))!;
            if (holder != reply.Id)
            {
                await using var earlier = new NpgsqlCommand("SELECT id FROM replies WHERE id = $1 AND mailbox = $2", connection, transaction);
                Add(earlier.Parameters, holder, reply.Mailbox);
                if (await earlier.ExecuteScalarAsync(cancellationToken) is string id)
                {
                    await transaction.RollbackAsync(cancellationToken);
                    return id;
                }
                await using var take = new NpgsqlCommand("UPDATE idempotency SET report_id = $2, day = $3 WHERE key_hash = $1", connection, transaction);
                Add(take.Parameters, key, reply.Id, reply.Day);
                await take.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        await using (var row = new NpgsqlCommand("INSERT INTO replies (id, mailbox, day, size, expires) VALUES ($1, $2, $3, $4, $5)", connection, transaction))
        {
            Add(row.Parameters, reply.Id, reply.Mailbox, reply.Day, reply.Size, reply.Expires);
            await row.ExecuteNonQueryAsync(cancellationToken);
        }
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            await WriteChunksAsync(connection, transaction, reply.Id, firstSeq: 0, written: 0, reply.Size, ciphertext, buffer, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        await transaction.CommitAsync(cancellationToken);
        return reply.Id;
    }

    public Task<IReadOnlyList<StoredItem>> ListRepliesAsync(string mailbox, CancellationToken cancellationToken = default) =>
        ReadItemsAsync("SELECT id, day, size, 0 FROM replies WHERE mailbox = $1 ORDER BY day, id", cancellationToken, mailbox);

    public async Task<StoredBlob?> OpenReplyAsync(string mailbox, string id, CancellationToken cancellationToken = default) =>
        await ScalarAsync("SELECT size FROM replies WHERE id = $1 AND mailbox = $2", cancellationToken, id, mailbox) is long size
            ? new StoredBlob(size, new ChunkReader(_data, id, size))
            : null;

    public Task<bool> DeleteReplyAsync(string mailbox, string id, CancellationToken cancellationToken = default) =>
        DeleteItemAsync("DELETE FROM replies WHERE id = $1 AND mailbox = $2", id, mailbox, cancellationToken);

    /// <summary>Deletes an item's row, chunks and idempotency key in one transaction.</summary>
    async Task<bool> DeleteItemAsync(string rowSql, string id, string? mailbox, CancellationToken cancellationToken)
    {
        await using var connection = await _data.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(mailbox is null ? Statement(rowSql, id) : Statement(rowSql, id, mailbox));
        batch.BatchCommands.Add(Statement("DELETE FROM chunks WHERE owner = $1", id));
        batch.BatchCommands.Add(Statement("DELETE FROM idempotency WHERE report_id = $1", id));
        await batch.ExecuteNonQueryAsync(cancellationToken);
        if (batch.BatchCommands[0].RecordsAffected == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }
        await transaction.CommitAsync(cancellationToken);
        ScheduleVacuum();
        return true;
    }

    public async Task<bool> TryUseNonceAsync(string nonce, DateOnly day, CancellationToken cancellationToken = default) =>
        await ExecuteAsync("INSERT INTO nonces (nonce, day) VALUES ($1, $2) ON CONFLICT DO NOTHING", cancellationToken, nonce, day) == 1;

    public Task RememberRosterAsync(int version, byte[] fileBytes, DateOnly day, CancellationToken cancellationToken = default) =>
        ExecuteAsync("INSERT INTO rosters (version, file, first_served) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", cancellationToken, version, fileBytes, day);

    public async Task<IReadOnlyList<StoredRoster>> ListRostersAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _data.CreateCommand("SELECT version, file, first_served FROM rosters ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rosters = new List<StoredRoster>();
        while (await reader.ReadAsync(cancellationToken))
            rosters.Add(new StoredRoster(reader.GetInt32(0), reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<DateOnly>(2)));
        return rosters;
    }

    public async Task<int> DeleteExpiredAsync(DateOnly today, DateOnly idempotencyCutoff, CancellationToken cancellationToken = default)
    {
        await using var connection = await _data.OpenConnectionAsync(cancellationToken);
        int deleted;
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(Statement("""
                DELETE FROM chunks WHERE owner IN (SELECT id FROM reports WHERE expires <= $1 UNION ALL SELECT id FROM replies WHERE expires <= $1)
                """, today));
            batch.BatchCommands.Add(Statement("""
                DELETE FROM idempotency WHERE report_id IN (SELECT id FROM reports WHERE expires <= $1 UNION ALL SELECT id FROM replies WHERE expires <= $1)
                """, today));
            batch.BatchCommands.Add(Statement("DELETE FROM reports WHERE expires <= $1", today));
            batch.BatchCommands.Add(Statement("DELETE FROM replies WHERE expires <= $1", today));
            // A token's expiry day has passed: it can no longer be presented, so its id can go.
            batch.BatchCommands.Add(Statement("DELETE FROM spent_tokens WHERE expires < $1", today));
            // Nonces live minutes; keeping yesterday's covers a request signed just before midnight.
            batch.BatchCommands.Add(Statement("DELETE FROM nonces WHERE day < $1", today.AddDays(-1)));
            batch.BatchCommands.Add(Statement("DELETE FROM idempotency WHERE day < $1", idempotencyCutoff));
            await batch.ExecuteNonQueryAsync(cancellationToken);
            deleted = batch.BatchCommands[2].RecordsAffected + batch.BatchCommands[3].RecordsAffected;
            await transaction.CommitAsync(cancellationToken);
        }
        if (deleted > 0)
        {
            // Frees the dead rows' space for reuse soon rather than at autovacuum's leisure (PostgreSQL
            // does not zero it: see the threat model).
            await using var vacuum = new NpgsqlCommand("VACUUM chunks, reports, replies, idempotency", connection);
            await vacuum.ExecuteNonQueryAsync(cancellationToken);
        }
        return deleted;
    }

    async Task<IReadOnlyList<StoredItem>> ReadItemsAsync(string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = _data.CreateCommand(sql);
        Add(command.Parameters, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<StoredItem>();
        while (await reader.ReadAsync(cancellationToken))
            items.Add(new StoredItem(reader.GetString(0), reader.GetFieldValue<DateOnly>(1), reader.GetInt64(2), reader.GetInt32(3)));
        return items;
    }

    async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = _data.CreateCommand(sql);
        Add(command.Parameters, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = _data.CreateCommand(sql);
        Add(command.Parameters, parameters);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    static NpgsqlBatchCommand Statement(string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        Add(command.Parameters, parameters);
        return command;
    }

    static void Add(NpgsqlParameterCollection collection, params object[] values)
    {
        foreach (var value in values)
            collection.Add(new NpgsqlParameter { Value = value });
    }

    /// <summary>Reads a stored item chunk by chunk, each with a short query: no transaction stays open
    /// while a slow client downloads.</summary>
    sealed class ChunkReader(NpgsqlDataSource data, string owner, long length) : ReadOnlyStream
    {
        byte[] _chunk = [];
        int _offset;
        int _seq;
        long _position;

        public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
        {
            if (_position == length || destination.IsEmpty)
                return 0;
            if (_offset == _chunk.Length)
            {
                await using var command = data.CreateCommand("SELECT data FROM chunks WHERE owner = $1 AND seq = $2");
                Add(command.Parameters, owner, _seq++);
                _chunk = await command.ExecuteScalarAsync(cancellationToken) as byte[]
                    ?? throw new IOException("The stored item was deleted while it was being read.");
                _offset = 0;
                if (_chunk.Length == 0)
                    throw new IOException("The stored item is damaged.");
            }
            var count = Math.Min(destination.Length, _chunk.Length - _offset);
            _chunk.AsMemory(_offset, count).CopyTo(destination);
            _offset += count;
            _position += count;
            return count;
        }

        /// <summary>Downloads are served asynchronously; a synchronous reader waits for the same.</summary>
        public override int Read(Span<byte> destination)
        {
            var copy = new byte[destination.Length];
            var count = ReadAsync(copy).AsTask().GetAwaiter().GetResult();
            copy.AsSpan(0, count).CopyTo(destination);
            return count;
        }

        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
    }
}

/// <summary>A PostgreSQL session-level advisory lock, held by a connection of its own until disposed (or
/// until that connection dies with its process). Keys are derived from a name: 64 bits of its SHA-256.</summary>
sealed class AdvisoryLock : IAsyncDisposable
{
    readonly NpgsqlConnection _connection;
    readonly long _key;

    AdvisoryLock(NpgsqlConnection connection, long key)
    {
        _connection = connection;
        _key = key;
    }

    public static long KeyOf(string name) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("reporting:" + name)));

    public static async Task<AdvisoryLock?> TryTakeAsync(NpgsqlDataSource data, string name, CancellationToken cancellationToken) =>
        await TakeAsync(data, name, "SELECT pg_try_advisory_lock($1)", cancellationToken);

    public static async Task<AdvisoryLock> TakeAsync(NpgsqlDataSource data, string name, CancellationToken cancellationToken) =>
        (await TakeAsync(data, name, "SELECT pg_advisory_lock($1), true", cancellationToken))!;

    static async Task<AdvisoryLock?> TakeAsync(NpgsqlDataSource data, string name, string sql, CancellationToken cancellationToken)
    {
        var key = KeyOf(name);
        var connection = await data.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.Add(new NpgsqlParameter { Value = key });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (reader.GetBoolean(reader.FieldCount - 1))
                return new AdvisoryLock(connection, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", _connection);
            command.Parameters.Add(new NpgsqlParameter { Value = _key });
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // The connection is broken: the server has released the lock with it.
        }
        await _connection.DisposeAsync();
    }
}
