using Microsoft.Extensions.Options;
using Reporting.Format.Keys;
using Reporting.Format.Protocol;
using Reporting.Format.Rosters;

namespace Reporting.Server;

/// <summary>Checks the configuration before the server accepts anything; each failure says what to do.</summary>
public sealed class ReportingOptionsValidator(TimeProvider clock, IConfiguration configuration) : IValidateOptions<ReportingOptions>
{
    public ValidateOptionsResult Validate(string? name, ReportingOptions options)
    {
        var failures = new List<string>();
        CheckDataDir(options.DataDir, failures);
        CheckRoster(options, failures);
        if (options.Storage is not ("sqlite" or "postgres"))
            failures.Add($"Reporting:Storage is '{options.Storage}'; use 'sqlite' (default) or 'postgres'.");
        else if (options.Storage == "postgres")
            CheckConnectionString(configuration.GetConnectionString("Postgres"), failures);
        if (options.MaxEnvelopeBytes is < 1024 or > 16L << 30)
            failures.Add("Reporting:MaxEnvelopeBytes must be between 1024 and 17179869184 (16 GiB).");
        if (options.MaxReplyBytes is < 1024 or > 64L << 20)
            failures.Add("Reporting:MaxReplyBytes must be between 1024 and 67108864 (64 MiB).");
        if (options.PowDifficulty is < 0 or > ProofOfWork.MaxDifficulty)
            failures.Add($"Reporting:PowDifficulty must be between 0 and {ProofOfWork.MaxDifficulty} (20 costs a client about a second).");
        else if (ProofOfWork.DifficultyFor(options.PowDifficulty, options.MaxEnvelopeBytes) > ProofOfWork.MaxDifficulty)
            failures.Add($"Reporting:PowDifficulty {options.PowDifficulty} would ask {ProofOfWork.DifficultyFor(options.PowDifficulty, options.MaxEnvelopeBytes)} bits of the largest envelope " +
                $"(Reporting:MaxEnvelopeBytes), and clients refuse more than {ProofOfWork.MaxDifficulty} (a minute of a phone); lower one or the other.");
        if (options.RetentionDays is < 1 or > 3650)
            failures.Add("Reporting:RetentionDays must be between 1 and 3650.");
        if (options.RosterGraceDays is < 0 or > 365)
            failures.Add("Reporting:RosterGraceDays must be between 0 and 365.");
        if (options.MaxConcurrentUploads is < 1 or > 4096)
            failures.Add("Reporting:MaxConcurrentUploads must be between 1 and 4096.");
        if (options.MinFreeBytes < 0)
            failures.Add("Reporting:MinFreeBytes must be 0 or more (bytes the data folder keeps free).");
        if (options.RosterCheckSeconds is < 1 or > 3600)
            failures.Add("Reporting:RosterCheckSeconds must be between 1 and 3600.");
        if (options.UploadGraceSeconds is < 1 or > 300)
            failures.Add("Reporting:UploadGraceSeconds must be between 1 and 300.");
        if (options.MaxConnections is < 64 or > 1_000_000)
            failures.Add("Reporting:MaxConnections must be between 64 and 1000000 (and below the service's open-files limit).");
        if (options.SignedRequestsPerSecond is < 1 or > 100_000)
            failures.Add("Reporting:SignedRequestsPerSecond must be between 1 and 100000.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    static void CheckConnectionString(string? connectionString, List<string> failures)
    {
        const string Example = "e.g. ConnectionStrings:Postgres=\"Host=db.internal;Database=reporting;Username=reporting;Password=…\" (or in the environment as ConnectionStrings__Postgres)";
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            failures.Add($"Reporting:Storage is 'postgres' but ConnectionStrings:Postgres is not set; {Example}.");
            return;
        }
        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            failures.Add($"ConnectionStrings:Postgres is not a valid connection string; {Example}.");
        }
    }

    static void CheckDataDir(string dataDir, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(dataDir))
        {
            failures.Add("Reporting:DataDir is empty; set it to a folder the server may write, e.g. --Reporting:DataDir=/var/lib/reporting.");
            return;
        }
        try
        {
            DataFolder.Create(dataDir);
            var probe = Path.Combine(dataDir, $".write-test-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failures.Add($"Reporting:DataDir '{Path.GetFullPath(dataDir)}' is not writable; create it and give the server's user write access (only that user: it holds the database and keys).");
        }
    }

    void CheckRoster(ReportingOptions options, List<string> failures)
    {
        PublicSigningKey? organisation = null;
        if (string.IsNullOrWhiteSpace(options.OrgKey))
            failures.Add("Reporting:OrgKey is not set; give the organisation public key (reportorg1…) that `review org init` printed.");
        else if (!PublicSigningKey.TryParse(options.OrgKey.Trim(), out organisation) || organisation!.Kind != SigningKeyKind.Organisation)
        {
            failures.Add("Reporting:OrgKey is not an organisation public key; copy the whole reportorg1… string that `review org init` printed (a typo fails its checksum).");
            organisation = null;
        }

        if (string.IsNullOrWhiteSpace(options.RosterFile))
        {
            failures.Add("Reporting:RosterFile is not set; sign a roster with `review org sign … --out roster.json` and point Reporting:RosterFile at it.");
            return;
        }
        if (!File.Exists(options.RosterFile))
        {
            failures.Add($"Reporting:RosterFile '{Path.GetFullPath(options.RosterFile)}' does not exist; sign a roster with `review org sign … --out roster.json` and point Reporting:RosterFile at it.");
            return;
        }
        if (organisation is null)
            return;
        try
        {
            SignedRoster.Verify(File.ReadAllBytes(options.RosterFile), organisation, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        }
        catch (RosterException e)
        {
            failures.Add(e.Failure switch
            {
                RosterFailure.Unsigned => "The roster file is not signed; sign it with `review org sign`.",
                RosterFailure.BadSignature or RosterFailure.WrongOrganisation =>
                    "The roster is not signed by the organisation key in Reporting:OrgKey; check that both come from the same organisation, or sign the roster again.",
                RosterFailure.Expired => $"The roster in Reporting:RosterFile '{Path.GetFullPath(options.RosterFile)}' cannot be served: {e.Message} (offline, `review org sign … --version N --out roster.json` with N above its version) and put the new file in its place.",
                RosterFailure.NotYetValid => "The roster's issue date is in the future; check this machine's clock.",
                _ => "The roster file is damaged; sign it again with `review org sign`.",
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failures.Add($"Reporting:RosterFile '{Path.GetFullPath(options.RosterFile)}' cannot be read ({(e is UnauthorizedAccessException ? "permission denied" : e.Message)}); give the server's user read access.");
        }
    }
}
