using System.Security.Cryptography;
using System.Text;
using Reporting.Format.Age;
using Reporting.Format.Keys;
using Reporting.Format.Rosters;

namespace Reporting.Benchmarks;

/// <summary>An organisation with two reviewers, a signed roster in a scratch folder and the settings every
/// server under measurement runs with (lowest difficulty, limits out of the way of the load): what the
/// ingest and soak benchmarks start their servers from. A PostgreSQL schema of its own when given a
/// database, dropped with the folder on dispose.</summary>
public sealed class BenchWorld : IAsyncDisposable
{
    readonly SigningKey _organisation = SigningKey.Generate(SigningKeyKind.Organisation);
    readonly X25519Identity[] _reviewers = [X25519Identity.Generate(), X25519Identity.Generate()];
    readonly string? _adminPostgres;
    readonly string _schema = "bench_" + Guid.NewGuid().ToString("N");

    BenchWorld(string name, int clients, string? adminPostgres)
    {
        Folder = Path.Combine(Path.GetTempPath(), $"reporting-{name}-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        _adminPostgres = string.IsNullOrEmpty(adminPostgres) ? null : adminPostgres;
        ReviewerKey = SigningKey.Generate(SigningKeyKind.Access);
        using var otherAccess = SigningKey.Generate(SigningKeyKind.Access);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var roster = new Roster(1, today, today.AddDays(30), _organisation.PublicKey.ToString(),
        [
            new RosterEntry("a", _reviewers[0].Recipient.ToString(), ReviewerKey.PublicKey.ToString()),
            new RosterEntry("b", _reviewers[1].Recipient.ToString(), otherAccess.PublicKey.ToString()),
        ]);
        var rosterFile = Path.Combine(Folder, "roster.json");
        File.WriteAllBytes(rosterFile, SignedRoster.Sign(roster, _organisation).FileBytes);
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
    public string Folder { get; }

    /// <summary>The first reviewer's access key: signs list and delete requests.</summary>
    public SigningKey ReviewerKey { get; }

    /// <summary>Settings shared by every server; <see cref="ServerSettings"/> adds where it keeps its data.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>The connection string of this world's own schema, or null without a database.</summary>
    public string? Postgres { get; private set; }

    public static async Task<BenchWorld> CreateAsync(string name, int clients, string? adminPostgres)
    {
        var world = new BenchWorld(name, clients, adminPostgres);
        if (world._adminPostgres is { } admin)
        {
            await using var connection = new Npgsql.NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand($"CREATE SCHEMA {world._schema}", connection);
            await create.ExecuteNonQueryAsync();
            world.Postgres = new Npgsql.NpgsqlConnectionStringBuilder(admin) { SearchPath = world._schema }.ToString();
        }
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
        IRecipient[] recipients = [.. _reviewers.Select(r => r.Recipient)];
        static byte[] Seal(IRecipient[] recipients, byte[] plaintext)
        {
            using var output = new MemoryStream();
            AgeFile.Seal(new MemoryStream(plaintext), output, recipients);
            return output.ToArray();
        }
        var overhead = Seal(recipients, []).Length - 16; // the empty file's one tag stays once
        var plaintext = RandomNumberGenerator.GetBytes(size - overhead - 16);
        Encoding.UTF8.GetBytes(canary ?? "").CopyTo(plaintext, 0);
        return Seal(recipients, plaintext);
    }

    /// <summary>Bytes the schema's tables and indexes take in the database (0 without one).</summary>
    public async Task<long> DatabaseBytesAsync()
    {
        if (Postgres is null)
            return 0;
        await using var connection = new Npgsql.NpgsqlConnection(Postgres);
        await connection.OpenAsync();
        await using var size = new Npgsql.NpgsqlCommand(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
            "WHERE n.nspname = $1 AND c.relkind = 'r'", connection);
        size.Parameters.Add(new Npgsql.NpgsqlParameter { Value = _schema });
        return (long)(await size.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_adminPostgres is { } admin)
            {
                Npgsql.NpgsqlConnection.ClearAllPools();
                await using var connection = new Npgsql.NpgsqlConnection(admin);
                await connection.OpenAsync();
                await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", connection);
                await drop.ExecuteNonQueryAsync();
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(Folder, recursive: true);
            ReviewerKey.Dispose();
            _organisation.Dispose();
            foreach (var reviewer in _reviewers)
                reviewer.Dispose();
        }
    }
}
