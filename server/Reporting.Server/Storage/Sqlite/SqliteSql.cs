using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Reporting.Server.Storage.Sqlite;

/// <summary>How the SQLite store runs its statements and reads its rows. Days are kept as ISO text,
/// which sorts as the days do.</summary>
static class SqliteSql
{
    const string DayFormat = "yyyy-MM-dd";

    public static string Day(DateOnly day) => day.ToString(DayFormat, CultureInfo.InvariantCulture);

    public static DateOnly ParseDay(string text) => DateOnly.ParseExact(text, DayFormat, CultureInfo.InvariantCulture);

    /// <summary>A pooled connection, open.</summary>
    public static SqliteConnection Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }

    public static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return command;
    }

    public static int Execute(SqliteConnection connection, string sql, params (string, object)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }

    public static object? Scalar(SqliteConnection connection, string sql, params (string, object)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteScalar();
    }

    /// <summary>Reports or replies as listed: id, day, size and roster version, in that order.</summary>
    public static List<StoredItem> ReadItems(SqliteConnection connection, string sql, params (string, object)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        using var reader = command.ExecuteReader();
        var items = new List<StoredItem>();
        while (reader.Read())
            items.Add(new StoredItem(reader.GetString(0), ParseDay(reader.GetString(1)), reader.GetInt64(2), reader.GetInt32(3)));
        return items;
    }

    /// <summary>Every report's and reply's id with its place in the volume and its size.</summary>
    public static List<(string Id, long Place, long Size)> ItemPlaces(SqliteConnection connection)
    {
        using var command = Command(connection, "SELECT id, place, size FROM reports UNION ALL SELECT id, place, size FROM replies");
        using var reader = command.ExecuteReader();
        var places = new List<(string, long, long)>();
        while (reader.Read())
            places.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        return places;
    }

    /// <summary>After a deletion: secure_delete has zeroed the freed pages; hand them back to the file
    /// system and empty the WAL, so the old rows are in neither file any more.</summary>
    public static void Purge(SqliteConnection connection)
    {
        Execute(connection, "PRAGMA incremental_vacuum;");
        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
    }
}
