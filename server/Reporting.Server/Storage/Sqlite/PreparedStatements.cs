using Microsoft.Data.Sqlite;

namespace Reporting.Server.Storage.Sqlite;

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
