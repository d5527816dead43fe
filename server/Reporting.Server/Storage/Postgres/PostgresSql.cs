using Npgsql;

namespace Reporting.Server.Storage.Postgres;

/// <summary>How the PostgreSQL store runs its statements: positional parameters ($1, $2, …) given in
/// order, their types as Npgsql infers them.</summary>
static class PostgresSql
{
    public static void Add(NpgsqlParameterCollection collection, params object[] values)
    {
        foreach (var value in values)
            collection.Add(new NpgsqlParameter { Value = value });
    }

    /// <summary>One statement of an <see cref="NpgsqlBatch"/>.</summary>
    public static NpgsqlBatchCommand Statement(string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        Add(command.Parameters, parameters);
        return command;
    }

    public static async Task<int> ExecuteAsync(this NpgsqlDataSource data, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = data.CreateCommand(sql);
        Add(command.Parameters, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<object?> ScalarAsync(this NpgsqlDataSource data, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = data.CreateCommand(sql);
        Add(command.Parameters, parameters);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>Reports or replies as listed: id, day, size and roster version, in that order.</summary>
    public static async Task<IReadOnlyList<StoredItem>> ReadItemsAsync(this NpgsqlDataSource data, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = data.CreateCommand(sql);
        Add(command.Parameters, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<StoredItem>();
        while (await reader.ReadAsync(cancellationToken))
            items.Add(new StoredItem(reader.GetString(0), reader.GetFieldValue<DateOnly>(1), reader.GetInt64(2), reader.GetInt32(3)));
        return items;
    }
}
