using System.Text.RegularExpressions;
using Xunit;

namespace Reporting.Client.Tests.Infrastructure;

/// <summary>The linux-x64 release exactly as <c>./release.sh --platform linux-x64</c> makes it, built once per test
/// run (two Native AOT builds: a few minutes on two cores) and unpacked as a user would, with tar.
/// <c>REPORTING_RELEASE_DIST=DIR</c> takes an existing dist/ instead (to iterate on the tests).</summary>
public sealed partial class ReleaseBuild : IDisposable
{
    public const string Platform = "linux-x64";
    readonly TempFolder folder = new();

    public string Dist { get; }
    public string Version { get; }
    public string ReportFolder { get; }
    public string ReviewFolder { get; }
    public string Report => Path.Combine(ReportFolder, "report");
    public string Review => Path.Combine(ReviewFolder, "review");

    public ReleaseBuild()
    {
        Version = VersionPattern().Match(File.ReadAllText(Path.Combine(Repository.Root, "Directory.Build.props"))).Groups[1].Value;
        Dist = Environment.GetEnvironmentVariable("REPORTING_RELEASE_DIST") is { Length: > 0 } given ? given : Build();
        ReportFolder = Unpack("report");
        ReviewFolder = Unpack("review");
    }

    public string Archive(string tool) => Path.Combine(Dist, $"{tool}-{Version}-{Platform}.tar.gz");

    string Build()
    {
        var dist = folder["dist"];
        var built = Tool.RunExecutable("bash", [Path.Combine(Repository.Root, "release.sh"), "--platform", Platform, "--tools-only", "--out", dist],
            timeout: TimeSpan.FromMinutes(30));
        Assert.True(built.ExitCode == 0, built.ToString());
        return dist;
    }

    string Unpack(string tool)
    {
        var into = folder[$"unpacked-{tool}"];
        Directory.CreateDirectory(into);
        var unpacked = Tool.RunExecutable("tar", ["-xzf", Archive(tool), "-C", into]);
        Assert.True(unpacked.ExitCode == 0, unpacked.ToString());
        return Path.Combine(into, $"{tool}-{Version}-{Platform}");
    }

    /// <summary>A released tool on a bare machine: nothing in the environment but PATH (an empty folder: no
    /// dotnet, no other tool), HOME and TMPDIR (the given folders), and <paramref name="more"/>.</summary>
    public static ToolResult RunBare(string executable, BareMachine machine, IEnumerable<string> args, string? stdin = null,
        IReadOnlyDictionary<string, string>? more = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = machine.EmptyPath,
            ["HOME"] = machine.Home,
            ["TMPDIR"] = machine.Tmp,
        };
        foreach (var (name, value) in more ?? new Dictionary<string, string>())
            environment[name] = value;
        return Tool.RunExecutable(executable, args, stdin, environment, TimeSpan.FromMinutes(3), bare: true);
    }

    public void Dispose() => folder.Dispose();

    [GeneratedRegex("<Version>([^<]+)</Version>")]
    private static partial Regex VersionPattern();
}

/// <summary>HOME, TMPDIR and PATH of a machine with nothing installed: three empty folders, and a check that the
/// first two stayed empty.</summary>
public sealed class BareMachine : IDisposable
{
    readonly TempFolder folder = new();

    public BareMachine()
    {
        foreach (var name in new[] { "home", "tmp", "bin" })
            Directory.CreateDirectory(folder[name]);
    }

    public string Home => folder["home"];
    public string Tmp => folder["tmp"];
    public string EmptyPath => folder["bin"];

    /// <summary>Everything found under HOME, TMPDIR and the PATH folder: should be nothing.</summary>
    public IReadOnlyList<string> Written() =>
        [.. new[] { Home, Tmp, EmptyPath }.SelectMany(dir => Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories))];

    public void Dispose() => folder.Dispose();
}
