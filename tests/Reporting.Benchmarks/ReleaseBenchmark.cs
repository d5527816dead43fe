using System.Globalization;
using System.Text.Json;

namespace Reporting.Benchmarks;

/// <summary>What a release weighs and how the released linux-x64 tools start and run: each archive's size,
/// <c>report --version</c> start-up (hyperfine, median of many runs), then the age benchmark on the released
/// executables (peak RSS and speed beside stock age). Goals (docs/DESIGN.md §5): the report linux-x64 archive
/// ≤ 12 MiB (at most 20), start-up ≤ 20 ms, peak RSS ≤ 24 MiB.</summary>
internal static class ReleaseBenchmark
{
    private const string Usage = "release [--dist DIR] [--runs R] [--size-mib N]";

    public static int Run(string[] args)
    {
        string? dist = null;
        string runs = "5", sizeMib = "768";
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--dist": dist = args[++i]; break;
                case "--runs": runs = args[++i]; break;
                case "--size-mib": sizeMib = args[++i]; break;
                default: Console.Error.WriteLine($"release benchmark: unknown option {args[i]}; usage: {Usage}"); return 2;
            }
        }
        if (!File.Exists("/usr/bin/hyperfine"))
            Exec("apt-get", "install", "-y", "-qq", "hyperfine");
        using var work = new TemporaryFolder();
        if (dist is null)
        {
            dist = Path.Combine(work.Path, "dist");
            Exec("bash", Path.Combine(AgeBenchmark.RepositoryRoot(), "release.sh"), "--platform", "linux-x64", "--out", dist);
        }

        Console.WriteLine($"release benchmark: {dist}");
        foreach (var archive in Directory.GetFiles(dist).Where(f => f.EndsWith(".tar.gz", StringComparison.Ordinal) || f.EndsWith(".zip", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            Console.WriteLine($"  {Path.GetFileName(archive),-40} {new FileInfo(archive).Length / 1048576.0,6:F1} MiB");

        // The released folders, unpacked as a user would; the age benchmark finds report and review in one folder.
        var tools = Directory.CreateDirectory(Path.Combine(work.Path, "tools")).FullName;
        foreach (var tool in new[] { "report", "review" })
        {
            var archive = Directory.GetFiles(dist, $"{tool}-*-linux-x64.tar.gz").Single();
            Exec("tar", "-xzf", archive, "-C", work.Path);
            var folder = Path.Combine(work.Path, Path.GetFileName(archive)[..^".tar.gz".Length]);
            File.CreateSymbolicLink(Path.Combine(tools, tool), Path.Combine(folder, tool));
        }

        var json = Path.Combine(work.Path, "startup.json");
        Exec("hyperfine", "-N", "--warmup", "20", "--runs", "300", "--export-json", json, $"{Path.Combine(tools, "report")} --version");
        using (var figures = JsonDocument.Parse(File.ReadAllText(json)))
        {
            var result = figures.RootElement.GetProperty("results")[0];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  report --version start-up: median {result.GetProperty("median").GetDouble() * 1000:F1} ms, mean {result.GetProperty("mean").GetDouble() * 1000:F1} ms over 300 runs (goal <= 20 ms); load average {ProcessFigures.LoadAverage()}"));
        }
        return AgeBenchmark.Run(["--tools", tools, "--runs", runs, "--size-mib", sizeMib]);
    }

    private static void Exec(string program, params string[] args) => AgeBenchmark.RunToEnd([program, .. args]);

    private sealed class TemporaryFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("release-bench-").FullName;
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
