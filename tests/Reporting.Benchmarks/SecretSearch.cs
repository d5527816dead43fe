using System.Text;

namespace Reporting.Benchmarks;

/// <summary>Looks for strings that must never be kept (docs/DESIGN.md §5: no plaintext, IP address or codename in
/// the server's data or logs) in every file under some folders, in some files, and in every row of a
/// PostgreSQL schema (each value as PostgreSQL prints it as text): as UTF-8.</summary>
public static class SecretSearch
{
    /// <summary>Returns "what in where" for each find; empty when nothing was found.</summary>
    public static async Task<List<string>> FindAsync(IReadOnlyList<(string What, string Text)> secrets, IEnumerable<string> places, string? postgres)
    {
        var needles = secrets.Select(s => (s.What, Bytes: Encoding.UTF8.GetBytes(s.Text))).ToList();
        var found = new List<string>();
        void Search(ReadOnlySpan<byte> haystack, string where)
        {
            foreach (var (what, bytes) in needles)
                if (haystack.IndexOf(bytes) >= 0)
                    found.Add($"{what} in {where}");
        }
        foreach (var place in places)
            foreach (var file in Directory.Exists(place) ? Directory.EnumerateFiles(place, "*", SearchOption.AllDirectories) : [place])
                Search(File.ReadAllBytes(file), file);
        if (postgres is null)
            return found;

        await using var connection = new Npgsql.NpgsqlConnection(postgres);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new Npgsql.NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()", connection))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                tables.Add(reader.GetString(0));
        foreach (var table in tables)
        {
            await using var select = new Npgsql.NpgsqlCommand($"SELECT * FROM \"{table}\"", connection);
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                for (var column = 0; column < reader.FieldCount; column++)
                    Search(reader.GetValue(column) switch
                    {
                        byte[] bytes => bytes,
                        var value => Encoding.UTF8.GetBytes(value.ToString() ?? ""),
                    }, $"table {table}");
        }
        return found;
    }
}
