using System.Security.Cryptography;
using System.Text;
using Reporting.Format.Age;
using Reporting.Format.Keys;

namespace Reporting.Benchmarks;

/// <summary>An organisation with two reviewers, a signed roster in a scratch folder and the settings every
/// server under measurement runs with (lowest difficulty, limits out of the way of the load): what the
/// ingest and soak benchmarks start their servers from. A PostgreSQL schema of its own when given a
/// database, dropped with the folder on dispose.</summary>
public sealed class BenchWorld : IAsyncDisposable
{
    readonly TempFolder _folder = new();
    readonly SigningKey _organisation = SigningKey.Generate(SigningKeyKind.Organisation);
    readonly TestReviewer[] _reviewers = [TestReviewer.Generate("a"), TestReviewer.Generate("b")];
    PostgresDatabase? _database;

    BenchWorld(int clients)
    {
        var rosterFile = _folder["roster.json"];
        File.WriteAllBytes(rosterFile, TestRoster.Sign(_organisation, _reviewers, version: 1, issuedDaysAgo: 0, validDays: 30).FileBytes);
        Settings = new Dictionary<string, string?>
        {
            ["Reporting:RosterFile"] = rosterFile,
            ["Reporting:OrgKey"] = _organisation.PublicKey.ToString(),
            ["Reporting:PowDifficulty"] = "0",
            ["Reporting:MaxEnvelopeBytes"] = (2L << 30).ToString(),
            ["Reporting:SignedRequestsPerSecond"] = "100000",
            ["Reporting:MaxConcurrentUploads"] = clients.ToString(),
        };
    }

    /// <summary>Scratch space: the roster, each server's data folder, the baseline's files.</summary>
    public string Folder => _folder.Path;

    /// <summary>The first reviewer's access key: signs list and delete requests.</summary>
    public SigningKey ReviewerKey => _reviewers[0].AccessKey;

    /// <summary>Settings shared by every server; <see cref="ServerSettings"/> adds where it keeps its data.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>The connection string of this world's own schema, or null without a database.</summary>
    public string? Postgres => _database?.ConnectionString;

    public static async Task<BenchWorld> CreateAsync(int clients, string? adminPostgres)
    {
        var world = new BenchWorld(clients);
        if (!string.IsNullOrEmpty(adminPostgres))
            world._database = await PostgresDatabase.CreateAsync(adminPostgres);
        return world;
    }

    /// <summary>Everything one server needs: the shared settings, its data folder, its store.</summary>
    public Dictionary<string, string?> ServerSettings(string dataDir, bool postgres) => new(Settings)
    {
        ["Reporting:DataDir"] = dataDir,
        ["Reporting:Storage"] = postgres ? "postgres" : "sqlite",
        ["ConnectionStrings:Postgres"] = postgres ? Postgres : null,
    };

    /// <summary>An envelope of about <paramref name="size"/> bytes, sealed for real to both reviewers; the
    /// plaintext is <paramref name="canary"/> (if any) followed by random bytes.</summary>
    public byte[] Seal(int size, string? canary = null)
    {
        IRecipient[] recipients = [.. _reviewers.Select(r => r.Identity.Recipient)];
        static byte[] Seal(IRecipient[] recipients, byte[] plaintext) => AgeInMemory.Seal(plaintext, recipients, armor: false, parallel: true);
        var overhead = Seal(recipients, []).Length - 16; // the empty file's one tag stays once
        var plaintext = RandomNumberGenerator.GetBytes(size - overhead - 16);
        Encoding.UTF8.GetBytes(canary ?? "").CopyTo(plaintext, 0);
        return Seal(recipients, plaintext);
    }

    /// <summary>Bytes the schema's tables and indexes take in the database (0 without one).</summary>
    public async Task<long> DatabaseBytesAsync()
    {
        if (_database is null)
            return 0;
        await using var connection = new Npgsql.NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var size = new Npgsql.NpgsqlCommand(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
            "WHERE n.nspname = $1 AND c.relkind = 'r'", connection);
        size.Parameters.Add(new Npgsql.NpgsqlParameter { Value = _database.Schema });
        return (long)(await size.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_database is not null)
                await _database.DisposeAsync();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            _folder.Dispose();
            _organisation.Dispose();
            foreach (var reviewer in _reviewers)
                reviewer.Dispose();
        }
    }
}
