using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Reporting.Cli;
using Reporting.Format.IO;

namespace Reporting.Review.Organisation;

/// <summary>Every roster version the organisation key has signed, kept beside the key as
/// <c>KEYFILE.ledger</c>: one line per version (version, SHA-256 of the roster file, day signed). One version
/// has one content (docs/DESIGN.md D3): clients and the server refuse a second file under a version they hold,
/// so signing a version twice would only split them; the ledger refuses it before anything is signed.</summary>
sealed class RosterLedger
{
    public const string Suffix = ".ledger";

    readonly string _path;
    readonly List<(int Version, string Sha256, string Day)> _lines;

    RosterLedger(string path, List<(int, string, string)> lines) => (_path, _lines) = (path, lines);

    public static RosterLedger Beside(string keyFile)
    {
        var path = keyFile + Suffix;
        var lines = new List<(int, string, string)>();
        if (!File.Exists(path))
            return new RosterLedger(path, lines);
        foreach (var line in File.ReadAllLines(path, Encoding.UTF8).Where(l => l.Length > 0))
        {
            var fields = line.Split(' ');
            if (fields.Length != 3 || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
                throw new ToolException($"the ledger {path} is damaged (line \"{line}\")",
                    "restore it from a backup: it is what keeps a roster version from being signed twice");
            lines.Add((version, fields[1], fields[2]));
        }
        return new RosterLedger(path, lines);
    }

    /// <summary>The highest version signed so far, or 0.</summary>
    public int Highest => _lines.Count == 0 ? 0 : _lines.Max(l => l.Version);

    /// <summary>Throws unless <paramref name="version"/> is above every version signed before.</summary>
    public void RefuseUsed(int version)
    {
        if (version > Highest)
            return;
        var earlier = _lines.FirstOrDefault(l => l.Version == version);
        var what = earlier.Sha256 is null
            ? $"roster version {version} is lower than version {Highest}, already signed with this key"
            : $"roster version {version} was already signed with this key on {earlier.Day}";
        throw new ToolException(what,
            $"a version is never signed twice: clients and the server would refuse a second content under it; sign --version {Highest + 1}");
    }

    /// <summary>Records <paramref name="rosterFile"/> as <paramref name="version"/>, durably, before the roster file is written.</summary>
    public void Record(int version, ReadOnlySpan<byte> rosterFile, DateOnly day)
    {
        RefuseUsed(version);
        var text = new StringBuilder();
        foreach (var (v, sha, d) in _lines)
            text.Append(CultureInfo.InvariantCulture, $"{v} {sha} {d}\n");
        var hash = Convert.ToHexStringLower(SHA256.HashData(rosterFile));
        var signed = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        text.Append(CultureInfo.InvariantCulture, $"{version} {hash} {signed}\n");
        try
        {
            AtomicFile.Write(_path, Encoding.UTF8.GetBytes(text.ToString()), replace: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ToolException($"cannot write the ledger {_path}: {e.Message}", "nothing was signed; make the folder of the organisation key writable");
        }
        _lines.Add((version, hash, signed));
    }
}
