namespace Reporting.Testing;

/// <summary>Settings that put a server on a PostgreSQL schema of its own.</summary>
public static class StoreSettings
{
    public static Dictionary<string, string?> Postgres(PostgresDatabase database, string? dataDir = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Reporting:Storage"] = "postgres",
            ["ConnectionStrings:Postgres"] = database.ConnectionString,
        };
        if (dataDir is not null)
            settings["Reporting:DataDir"] = dataDir;
        return settings;
    }
}
