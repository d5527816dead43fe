using System.Globalization;
using System.Text;
using Reporting.Format.Age;
using Reporting.Format.Keys;
using Reporting.Format.Protocol;
using Reporting.Format.Rosters;

namespace Reporting.Client.Tests.Infrastructure;

/// <summary>The real server (the built dll, as a <see cref="ServerProcess"/>) on 127.0.0.1 and a
/// free port, with a temporary data folder, a freshly made organisation key, reviewers, a roster signed
/// for them and a low proof-of-work difficulty, so end-to-end tests run over real HTTP in seconds.
/// <para>Use: <c>using var server = ServerFixture.Start();</c> then give <see cref="Url"/> and
/// <see cref="OrganisationKey"/> to <c>report init</c>; read what arrived with <see cref="Reviewers"/>
/// (see <see cref="ReviewerApi"/>). Each test gets its own server: they share nothing.</para></summary>
public sealed class ServerFixture : IDisposable
{
    ServerProcess process;
    /// <summary>What the servers stopped before this one (restarts, crashes) printed.</summary>
    readonly StringBuilder earlierLog = new();
    readonly TempFolder folder;
    readonly Dictionary<string, string?> settings;

    public Uri Url { get; }
    public SigningKey Organisation { get; }
    /// <summary>The organisation public key as users type it (<c>reportorg1…</c>).</summary>
    public string OrganisationKey => Organisation.PublicKey.ToString();
    public IReadOnlyList<TestReviewer> Reviewers { get; }
    public SignedRoster Roster { get; private set; }
    public string RosterFile => folder["roster.json"];
    /// <summary>Where the server looks for the reviewers' freshness statement (its default: beside the roster).</summary>
    public string FreshnessFile => folder["roster.fresh"];
    public string DataDir => folder["data"];
    /// <summary>Everything the server printed (stdout and stderr), across restarts, for diagnostics and leak checks.</summary>
    public string Log => earlierLog + process.Output;

    ServerFixture(TempFolder folder, SigningKey organisation, IReadOnlyList<TestReviewer> reviewers, SignedRoster roster, int powDifficulty, IReadOnlyDictionary<string, string?>? extra)
    {
        this.folder = folder;
        Organisation = organisation;
        Reviewers = reviewers;
        Roster = roster;
        File.WriteAllBytes(RosterFile, roster.FileBytes);
        Directory.CreateDirectory(DataDir);

        Url = new Uri($"http://127.0.0.1:{ServerProcess.FreePort()}/");
        settings = new Dictionary<string, string?>
        {
            ["Reporting:DataDir"] = DataDir,
            ["Reporting:RosterFile"] = RosterFile,
            ["Reporting:OrgKey"] = OrganisationKey,
            ["Reporting:PowDifficulty"] = powDifficulty.ToString(CultureInfo.InvariantCulture),
            // Tests must pass on a machine with little free disk; the reserve has its own server test.
            ["Reporting:MinFreeBytes"] = "0",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
            settings[key] = value;
        process = StartProcess();
    }

    /// <summary>Started off the test's thread: the tests are synchronous, and blocking xunit's own threads on
    /// the start's awaits could leave none to run them.</summary>
    ServerProcess StartProcess() => Task.Run(() => ServerProcess.StartAsync(settings, port: Url.Port)).GetAwaiter().GetResult();

    /// <summary>Stops the server and starts it again on the same address and data folder, optionally
    /// with a new roster (as an operator does after the organisation signs a new version).</summary>
    public void Restart(SignedRoster? newRoster = null)
    {
        Stop();
        if (newRoster is not null)
        {
            Roster = newRoster;
            File.WriteAllBytes(RosterFile, newRoster.FileBytes);
        }
        process = StartProcess();
    }

    /// <summary>Kills the server with SIGKILL, as a power cut or the OOM killer would, leaves it down for
    /// <paramref name="downFor"/> (clients meanwhile see refused connections), then starts it again on the
    /// same address and data.</summary>
    public void Crash(TimeSpan downFor)
    {
        Stop();
        Thread.Sleep(downFor);
        process = StartProcess();
    }

    /// <summary>Stops the server and starts it afresh on the same address: an empty data folder and a new roster,
    /// as after a rebuild. It never served the earlier versions, so it refuses envelopes sealed to them (409), as
    /// any server does once their grace period is over (that expiry has its own test in Reporting.Server.Tests).</summary>
    public void Rebuild(SignedRoster newRoster)
    {
        Stop();
        Directory.Delete(DataDir, recursive: true);
        Directory.CreateDirectory(DataDir);
        Roster = newRoster;
        File.WriteAllBytes(RosterFile, newRoster.FileBytes);
        process = StartProcess();
    }

    /// <summary>SIGKILL (the process is disposed, so killed); what it printed stays in <see cref="Log"/>.</summary>
    void Stop()
    {
        process.DisposeAsync().AsTask().GetAwaiter().GetResult();
        earlierLog.Append(process.Output).Append('\n');
    }

    /// <param name="reviewers">How many reviewers the roster lists.</param>
    /// <param name="powDifficulty">Proof-of-work bits: low so that tests do not spend seconds hashing.</param>
    /// <param name="settings">Extra server configuration, e.g. <c>["Reporting:MaxEnvelopeBytes"] = "…"</c>.</param>
    /// <param name="kind">The reviewers' kind of key: X25519 (classic) or post-quantum hybrid.</param>
    public static ServerFixture Start(int reviewers = 1, int powDifficulty = 4, int rosterVersion = 1, IReadOnlyDictionary<string, string?>? settings = null,
        KeyKind kind = KeyKind.X25519)
    {
        var folder = new TempFolder();
        var organisation = SigningKey.Generate(SigningKeyKind.Organisation);
        var people = Enumerable.Range(1, reviewers).Select(i => TestReviewer.Generate($"reviewer{i}", kind)).ToList();
        var roster = TestRoster.Sign(organisation, people, rosterVersion);
        return new ServerFixture(folder, organisation, people, roster, powDifficulty, settings);
    }

    /// <summary>A server for an organisation key and a roster made elsewhere (by the released tools, say).</summary>
    public static ServerFixture Start(SigningKey organisation, SignedRoster roster, int powDifficulty = 4) =>
        new(new TempFolder(), organisation, [], roster, powDifficulty, null);

    /// <summary>Signed requests to the reviewer routes, as the first reviewer.</summary>
    public ReviewerApi ReviewerApi() => new(Url, Reviewers[0]);

    public void Dispose()
    {
        Stop();
        foreach (var reviewer in Reviewers)
            reviewer.Dispose();
        Organisation.Dispose();
        folder.Dispose();
    }
}
