using Microsoft.Extensions.Options;
using Reporting.Format.Rosters;

namespace Reporting.Server.Rosters;

/// <summary>The reviewers' statement that the roster in force is current (docs/DESIGN.md D3), read from
/// Reporting:FreshnessFile at start-up and whenever the roster watcher looks, and served beside the roster. The
/// server holds only the statement: the freshness key stays with the reviewers, so a seized server can go on
/// serving an old roster only until the last statement lapses. A statement is served once it verifies against
/// the roster in force; a changed file that does not is refused with a warning, and the one held stays.</summary>
public sealed class RosterFreshness(RosterBook roster, IOptions<ReportingOptions> options, ILogger<RosterFreshness> log)
{
    SignedFreshness? _held;
    byte[]? _seenFile;
    int _seenVersion;

    /// <summary>The statement for the roster in force, or null (none listed, none in place, or one for another roster).</summary>
    public SignedFreshness? Current => _held is { } held && held.Statement.Version == roster.Current.Roster.Version ? held : null;

    /// <summary>Where the statement is looked for.</summary>
    public string FilePath => string.IsNullOrEmpty(options.Value.FreshnessFile)
        ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.Value.RosterFile)) ?? ".", "roster.fresh")
        : Path.GetFullPath(options.Value.FreshnessFile);

    /// <summary>Reads the file again when it or the roster in force changed. Never throws for a bad file.</summary>
    public void Refresh()
    {
        var signed = roster.Current;
        byte[]? file;
        try
        {
            file = File.Exists(FilePath) ? File.ReadAllBytes(FilePath) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            file = _seenFile; // being replaced, or unreadable for a moment: look again next time
        }
        if (_seenVersion == signed.Roster.Version && Same(file, _seenFile))
            return;
        _seenFile = file;
        _seenVersion = signed.Roster.Version;
        if (signed.Roster.FreshnessKey is null || file is null)
            return; // said by RosterExpiry, once a day, when the roster asks for a statement
        try
        {
            var statement = SignedFreshness.Verify(file, signed);
            var renewed = _held is not null;
            _held = statement;
            log.LogInformation("The freshness statement for roster version {Version} made on {Issued:yyyy-MM-dd} is {Served}; it lapses on {Lapses:yyyy-MM-dd}.",
                signed.Roster.Version, statement.Statement.Issued, renewed ? "now served" : "served", statement.LapsesOn(signed.Roster));
        }
        catch (RosterException e)
        {
            log.LogWarning("The freshness statement in {File} was refused ({Failure}: {Reason}); {Kept}.", FilePath, e.Failure, e.Message,
                Current is null ? "none is served, so clients refuse to seal to this roster" : "the one held before stays");
        }
    }

    static bool Same(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}
