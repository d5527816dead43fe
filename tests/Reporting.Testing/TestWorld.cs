using Reporting.Format.Age;
using Reporting.Format.Keys;

namespace Reporting.Testing;

/// <summary>An organisation with two reviewers and a signed roster, all real keys, and a data folder:
/// everything a server needs to start. Classic reviewer recipients come from the stock age-keygen.</summary>
public sealed class TestWorld : IDisposable
{
    public TempFolder Folder { get; } = new();
    public ManualClock Clock { get; } = new();
    public SigningKey Organisation { get; } = SigningKey.Generate(SigningKeyKind.Organisation);
    public IReadOnlyList<TestReviewer> Reviewers { get; }
    public string DataDir => Folder["data"];
    public string RosterFile => Folder["roster.json"];
    public int RosterVersion { get; private set; }
    /// <summary>The kind of the reviewers' keys: what the first roster is sealed with.</summary>
    public KeyKind Kind { get; }

    /// <param name="kind">X25519 reviewers come from the stock age-keygen; post-quantum hybrid ones (which Debian's
    /// age 1.1.1 cannot make) from the project's own code.</param>
    public TestWorld(int reviewers = 2, KeyKind kind = KeyKind.X25519)
    {
        Kind = kind;
        Reviewers = [.. Enumerable.Range(1, reviewers).Select(i => kind == KeyKind.Hybrid
            ? TestReviewer.Generate($"reviewer{i}", KeyKind.Hybrid)
            : TestReviewer.FromStockAge($"reviewer{i}"))];
        SignRoster(version: 1, Reviewers);
    }

    /// <summary>Signs (issued today by the world's clock) and writes a roster; a running server picks it up at its next start.</summary>
    public void SignRoster(int version, IEnumerable<TestReviewer> reviewers, SigningKey? organisation = null)
    {
        File.WriteAllBytes(RosterFile, TestRoster.Sign(organisation ?? Organisation, reviewers, version, issuedDaysAgo: 0, clock: Clock).FileBytes);
        RosterVersion = version;
    }

    /// <summary>The world's settings, with <paramref name="overrides"/> set over them.</summary>
    public Dictionary<string, string?> Settings(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Reporting:DataDir"] = DataDir,
            ["Reporting:RosterFile"] = RosterFile,
            ["Reporting:OrgKey"] = Organisation.PublicKey.ToString(),
            // Low in tests: a real client spends about a second at the default of 20.
            ["Reporting:PowDifficulty"] = "6",
            ["Reporting:MaxEnvelopeBytes"] = (4 << 20).ToString(),
            // Tests must pass on a machine with little free disk; the reserve has its own test.
            ["Reporting:MinFreeBytes"] = "0",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            settings[key] = value;
        return settings;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Organisation.Dispose();
        foreach (var reviewer in Reviewers)
            reviewer.Dispose();
        Folder.Dispose();
    }
}
