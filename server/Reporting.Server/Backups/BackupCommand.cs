using Reporting.Format.Keys;

namespace Reporting.Server.Backups;

/// <summary>The server's <c>backup --out FILE</c> and <c>restore --from FILE</c>, run with the server's own
/// configuration (the same appsettings, environment and command line), so they find its data folder as it
/// does. SQLite only: a PostgreSQL database is backed up with PostgreSQL's own tools.</summary>
public static class BackupCommand
{
    public static bool Handles(string[] args) => args is ["backup" or "restore", ..];

    /// <summary>Runs the command; throws <see cref="OperatorError"/> for what the operator must fix.</summary>
    public static int Run(string[] args)
    {
        var command = args[0];
        var option = command == "backup" ? "--out" : "--from";
        var rest = args[1..].ToList();
        var at = rest.FindIndex(a => a == option || a.StartsWith(option + "=", StringComparison.Ordinal));
        string? file = null;
        if (at >= 0 && rest[at].Length > option.Length)
            file = rest[at][(option.Length + 1)..];
        else if (at >= 0 && at + 1 < rest.Count)
            file = rest[at + 1];
        if (string.IsNullOrEmpty(file))
            throw new OperatorError($"{command} needs {option} FILE.", command == "backup"
                ? "e.g. backup --out /var/backups/reporting/2026-12-01.tar, with the server's configuration."
                : "e.g. restore --from /var/backups/reporting/2026-12-01.tar, with Reporting:DataDir an empty folder.");
        rest.RemoveRange(at, rest[at].Length > option.Length ? 1 : 2);

        var options = ServerApp.ReadConfiguration([.. rest]).GetSection(ReportingOptions.Section).Get<ReportingOptions>() ?? new ReportingOptions();
        if (options.Storage == "postgres")
            throw new OperatorError($"{command} is for the SQLite store; this server keeps everything in PostgreSQL (Reporting:Storage=postgres).",
                "use pg_dump and pg_restore (README, Running a server: Backup and restore).");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        try
        {
            if (command == "backup")
            {
                var written = SqliteBackup.Write(options.DataDir, file, today);
                Console.WriteLine($"reporting-server: wrote {Path.GetFullPath(file)}: {written.Items} reports and replies, {written.CiphertextBytes} bytes of ciphertext, " +
                    $"{written.FileBytes} bytes in all; read back and every entry checked against its SHA-256");
            }
            else
            {
                var items = SqliteRestore.Restore(file, options.DataDir, Organisation(options));
                Console.WriteLine($"reporting-server: restored {items} reports and replies into {Path.GetFullPath(options.DataDir)}; every entry checked against its SHA-256");
                Console.WriteLine("reporting-server: start the server on it; it makes a new key ring, so proof-of-work challenges issued before are not honoured (clients ask again)");
            }
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OperatorError($"{command} failed: {e.Message}", "check the paths, the free space and that this runs as the server's user.");
        }
    }

    /// <summary>The pinned organisation key, when configured: a restore then refuses another organisation's backup.</summary>
    static PublicSigningKey? Organisation(ReportingOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.OrgKey))
            return null;
        if (PublicSigningKey.TryParse(options.OrgKey.Trim(), out var key) && key!.Kind == SigningKeyKind.Organisation)
            return key;
        throw new OperatorError("Reporting:OrgKey is not an organisation public key.", "copy the whole reportorg1… string that `review org init` printed.");
    }
}
