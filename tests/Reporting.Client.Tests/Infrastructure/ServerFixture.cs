using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using Reporting.Format.Age;
using Reporting.Format.Keys;
using Reporting.Format.Rosters;

namespace Reporting.Client.Tests.Infrastructure;

/// <summary>A reviewer made for a test: the age identity (decrypts reports) and the access key (fetches them).</summary>
public sealed class TestReviewer(string name, X25519Identity identity, SigningKey accessKey) : IDisposable
{
    public string Name { get; } = name;
    public X25519Identity Identity { get; } = identity;
    public SigningKey AccessKey { get; } = accessKey;
    public RosterEntry Entry => new(Name, Identity.Recipient.ToString(), AccessKey.PublicKey.ToString());

    public void Dispose()
    {
        Identity.Dispose();
        AccessKey.Dispose();
    }
}

/// <summary>The real server (server/Reporting.Server, the built dll) as a child process on 127.0.0.1 and a
/// free port, with a temporary data folder, a freshly made organisation key, reviewers, a roster signed
/// for them and a low proof-of-work difficulty, so end-to-end tests run over real HTTP in seconds.
/// <para>Use: <c>using var server = ServerFixture.Start();</c> then give <see cref="Url"/> and
/// <see cref="OrganisationKey"/> to <c>report init</c>; read what arrived with <see cref="Reviewers"/>
/// (see <see cref="ReviewerApi"/>). Each test gets its own server: they share nothing.</para></summary>
public sealed class ServerFixture : IDisposable
{
    Process process;
    readonly StringBuilder log = new();
    readonly TempDir folder;

    public Uri Url { get; }
    public SigningKey Organisation { get; }
    /// <summary>The organisation public key as users type it (<c>reportorg1…</c>).</summary>
    public string OrganisationKey => Organisation.PublicKey.ToString();
    public IReadOnlyList<TestReviewer> Reviewers { get; }
    public SignedRoster Roster { get; private set; }
    public string RosterFile => folder["roster.json"];
    public string DataDir => folder["data"];
    /// <summary>Everything the server printed (stdout and stderr), for diagnostics and leak checks.</summary>
    public string Log { get { lock (log) return log.ToString(); } }

    ServerFixture(TempDir folder, SigningKey organisation, IReadOnlyList<TestReviewer> reviewers, SignedRoster roster, int powDifficulty, IReadOnlyDictionary<string, string>? settings)
    {
        this.folder = folder;
        Organisation = organisation;
        Reviewers = reviewers;
        Roster = roster;
        File.WriteAllBytes(RosterFile, roster.FileBytes);
        Directory.CreateDirectory(DataDir);

        var port = FreePort();
        Url = new Uri($"http://127.0.0.1:{port}/");
        this.powDifficulty = powDifficulty;
        this.settings = settings;
        process = StartProcess();
    }

    readonly int powDifficulty;
    readonly IReadOnlyDictionary<string, string>? settings;

    Process StartProcess()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ServerDll());
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{Url.Port}");
        start.Environment["Reporting__DataDir"] = DataDir;
        start.Environment["Reporting__RosterFile"] = RosterFile;
        start.Environment["Reporting__OrgKey"] = OrganisationKey;
        start.Environment["Reporting__PowDifficulty"] = powDifficulty.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Tests must pass on a machine with little free disk; the reserve has its own server test.
        start.Environment["Reporting__MinFreeBytes"] = "0";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            start.Environment[key.Replace(":", "__")] = value;
        var started = Process.Start(start)!;
        started.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        started.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        WaitUntilHealthy(started);
        return started;
    }

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

    void Stop()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        process.Dispose();
    }

    /// <param name="reviewers">How many reviewers the roster lists.</param>
    /// <param name="powDifficulty">Proof-of-work bits: low so that tests do not spend seconds hashing.</param>
    /// <param name="settings">Extra server configuration, e.g. <c>["Reporting:MaxEnvelopeBytes"] = "…"</c>.</param>
    public static ServerFixture Start(int reviewers = 1, int powDifficulty = 4, int rosterVersion = 1, IReadOnlyDictionary<string, string>? settings = null)
    {
        var folder = new TempDir();
        var organisation = SigningKey.Generate(SigningKeyKind.Organisation);
        var people = Enumerable.Range(1, reviewers)
            .Select(i => new TestReviewer($"reviewer{i}", X25519Identity.Generate(), SigningKey.Generate(SigningKeyKind.Access)))
            .ToList();
        var roster = SignRoster(organisation, people, rosterVersion);
        return new ServerFixture(folder, organisation, people, roster, powDifficulty, settings);
    }

    /// <summary>A server for an organisation key and a roster made elsewhere (by the released tools, say).</summary>
    public static ServerFixture Start(SigningKey organisation, SignedRoster roster, int powDifficulty = 4) =>
        new(new TempDir(), organisation, [], roster, powDifficulty, null);

    /// <summary>A roster for <paramref name="reviewers"/>, signed by <paramref name="organisation"/>, valid from
    /// <paramref name="issuedDaysAgo"/> days ago for <paramref name="validDays"/> days.</summary>
    public static SignedRoster SignRoster(SigningKey organisation, IEnumerable<TestReviewer> reviewers, int version, int issuedDaysAgo = 1, int validDays = 90)
    {
        var issued = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-issuedDaysAgo);
        var roster = new Roster(version, issued, issued.AddDays(validDays), organisation.PublicKey.ToString(), [.. reviewers.Select(r => r.Entry)]);
        return SignedRoster.Sign(roster, organisation);
    }

    /// <summary>Signed requests to the reviewer routes, as the first reviewer.</summary>
    public ReviewerApi ReviewerApi() => new(Url, Reviewers[0]);

    void WaitUntilHealthy(Process process)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
                throw new InvalidOperationException($"the server exited with {process.ExitCode}:\n{Log}");
            try
            {
                if (client.GetAsync(new Uri(Url, "healthz")).GetAwaiter().GetResult().IsSuccessStatusCode)
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            Thread.Sleep(200);
        }
        throw new TimeoutException($"the server did not become healthy:\n{Log}");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The server's own build output, same configuration as these tests.</summary>
    static string ServerDll()
    {
        var configuration = typeof(ServerFixture).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = Path.Combine(Repository.Root, "server", "Reporting.Server", "bin", configuration, "net10.0", "Reporting.Server.dll");
        if (!File.Exists(path))
            throw new FileNotFoundException($"build the server first ({path})");
        return path;
    }

    public void Dispose()
    {
        Stop();
        foreach (var reviewer in Reviewers)
            reviewer.Dispose();
        Organisation.Dispose();
        folder.Dispose();
    }
}

/// <summary>Finds the repository's folders from the test's output folder.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Reporting.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException("Reporting.sln not found above " + AppContext.BaseDirectory);
    }
}
