using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Reporting.Server.Storage.Postgres;

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
