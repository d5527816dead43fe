using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Reporting.Format.Age;

namespace Reporting.Benchmarks;

/// <summary>Seal and open a large file as a user does: whole processes, the built <c>report seal</c> and
/// <c>review open</c> apphosts beside the stock age binary, file to file, same input, interleaved, median
/// of several runs, peak RSS from GNU time (%M) for each. Process start, JIT, reading, writing and making
/// the output durable all count, as they do for a user. Goals (docs/DESIGN.md §5): seal ≥ 1.5×, open ≥ 1.2× age,
/// ≤ 64 MiB peak RSS. Ours also seals and opens to a post-quantum hybrid (mlkem768x25519) recipient, which stock
/// age 1.1.1 cannot: its cost is per file (one X-Wing encapsulation), not per byte, and the table shows it.</summary>
internal static class AgeBenchmark
{
    private const string StockAge = "/usr/bin/age";
    private const string GnuTime = "/usr/bin/time";
    private const string Usage = "age [--size-mib N] [--runs R] [--dir DIR]... [--tools DIR] [--no-build]";

    public static int Run(string[] args)
    {
        int sizeMib = 768, runs = 7;
        List<string> dirs = [];
        string? tools = null;
        bool build = true;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--size-mib": sizeMib = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--dir": dirs.Add(args[++i]); break;
                case "--tools": tools = args[++i]; build = false; break;
                case "--no-build": build = false; break;
                default: Console.Error.WriteLine($"age benchmark: unknown option {args[i]}; usage: {Usage}"); return 2;
            }
        }
        // On disk (the temporary folder) and in memory (tmpfs): the disk of a shared machine is noisy.
        if (dirs.Count == 0) dirs = Directory.Exists("/dev/shm") ? [Path.GetTempPath(), "/dev/shm"] : [Path.GetTempPath()];
        if (!InstallMissingTools()) return 2;
        var (report, review) = tools is null ? BuiltTools(build) : (Path.Combine(tools, "report"), Path.Combine(tools, "review"));
        foreach (string tool in new[] { report, review })
        {
            if (!File.Exists(tool))
            {
                Console.Error.WriteLine($"age benchmark: {tool} is missing (build it: dotnet build Reporting.sln -c Release)");
                return 2;
            }
        }

        Console.WriteLine($"age benchmark: {sizeMib} MiB, file to file, whole processes, {runs} interleaved runs, {Environment.ProcessorCount} cores");
        Console.WriteLine($"  ours: {report} seal / {review} open;  theirs: {StockAge} ({StockAgeVersion()})");
        foreach (string dir in dirs) RunIn(dir, sizeMib, runs, report, review);
        return 0;
    }

    private static void RunIn(string dir, int sizeMib, int runs, string report, string review)
    {
        string work = Directory.CreateDirectory(Path.Combine(dir, "age-bench-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)))).FullName;
        try
        {
            string plain = Path.Combine(work, "plain");
            WriteRandomFile(plain, sizeMib);
            string inputHash = HashFile(plain);
            using var identity = X25519Identity.Generate();
            string identityFile = Path.Combine(work, "identity.txt");
            File.WriteAllText(identityFile, identity.Export() + "\n");
            string recipient = identity.Recipient.ToString();
            using var hybridIdentity = HybridIdentity.Generate();
            string hybridIdentityFile = Path.Combine(work, "hybrid-identity.txt");
            File.WriteAllText(hybridIdentityFile, hybridIdentity.Export() + "\n");
            string hybridRecipient = hybridIdentity.Recipient.ToString();

            var results = new Dictionary<string, List<Sample>>();
            // Other work on the machine takes cores from both tools; the load says how much.
            string loadBefore = ProcessFigures.LoadAverage();
            string ours = Path.Combine(work, "ours.age"), theirs = Path.Combine(work, "age.age");
            string oursOut = Path.Combine(work, "ours.out"), theirsOut = Path.Combine(work, "age.out");
            string hybrid = Path.Combine(work, "hybrid.age"), hybridOut = Path.Combine(work, "hybrid.out");
            for (int run = 0; run < runs; run++)
            {
                var seals = new[]
                {
                    ("ours seal", ours, new[] { report, "seal", "-r", recipient, "-o", ours, plain }),
                    ("age seal", theirs, new[] { StockAge, "-r", recipient, "-o", theirs, plain }),
                    ("pq seal", hybrid, new[] { report, "seal", "-r", hybridRecipient, "-o", hybrid, plain }),
                };
                var opens = new[]
                {
                    ("ours open", oursOut, new[] { review, "open", "-i", identityFile, "-o", oursOut, ours }),
                    ("age open", theirsOut, new[] { StockAge, "-d", "-i", identityFile, "-o", theirsOut, theirs }),
                    ("pq open", hybridOut, new[] { review, "open", "-i", hybridIdentityFile, "-o", hybridOut, hybrid }),
                };
                // Who goes first alternates, so that neither always meets the other's leftovers.
                if (run % 2 == 1)
                {
                    Array.Reverse(seals);
                    Array.Reverse(opens);
                }
                foreach (var (name, output, command) in seals.Concat(opens)) Measure(results, name, command, output);
                if (run == 0)
                {
                    CheckRoundTrips(inputHash, identityFile, review, ours, theirs, oursOut, theirsOut);
                    if (HashFile(hybridOut) != inputHash)
                        throw new InvalidOperationException("the file opened from the hybrid envelope differs from the input");
                }
            }

            Console.WriteLine();
            Console.WriteLine($"in {work} ({FileSystemOf(work)}); medians of {runs}; CPU = user + sys of all threads; load average {loadBefore} before, {ProcessFigures.LoadAverage()} after");
            Console.WriteLine($"  {"",-10} {"MiB/s",7} {"wall s",7} {"CPU s",6} {"peak RSS",11}   MiB/s of each run, in order");
            foreach (string name in new[] { "ours seal", "pq seal", "age seal", "ours open", "pq open", "age open" })
            {
                var samples = results[name];
                double seconds = Median(samples.Select(s => s.Seconds));
                Console.WriteLine($"  {name,-10} {sizeMib / seconds,7:F0} {seconds,7:F2} {Median(samples.Select(s => s.CpuSeconds)),6:F2} " +
                                  $"{samples.Max(s => s.PeakKib) / 1024.0,7:F1} MiB   {string.Join(", ", samples.Select(s => (sizeMib / s.Seconds).ToString("F0", CultureInfo.InvariantCulture)))}");
            }
            double sealRatio = Median(results["age seal"].Select(s => s.Seconds)) / Median(results["ours seal"].Select(s => s.Seconds));
            double openRatio = Median(results["age open"].Select(s => s.Seconds)) / Median(results["ours open"].Select(s => s.Seconds));
            long oursPeak = Math.Max(results["ours seal"].Max(s => s.PeakKib), results["ours open"].Max(s => s.PeakKib));
            Console.WriteLine($"  seal: {sealRatio:F2}x age (goal >= 1.5)   open: {openRatio:F2}x age (goal >= 1.2)   our peak RSS: {oursPeak / 1024.0:F1} MiB (goal <= 64)");
            // Runs are interleaved pairs: the worst pair's ratio is the bar a release must clear (docs/DESIGN.md §5).
            Console.WriteLine($"  worst run: seal {WorstRatio(results["age seal"], results["ours seal"]):F2}x, open {WorstRatio(results["age open"], results["ours open"]):F2}x");
            // The hybrid recipient costs one X-Wing operation per file: the difference to classic is noise-sized.
            Console.WriteLine($"  post-quantum (pq) minus classic (ours), medians: seal {Median(results["pq seal"].Select(s => s.Seconds)) - Median(results["ours seal"].Select(s => s.Seconds)):+0.00;-0.00} s, " +
                              $"open {Median(results["pq open"].Select(s => s.Seconds)) - Median(results["ours open"].Select(s => s.Seconds)):+0.00;-0.00} s " +
                              $"(header {new FileInfo(hybrid).Length - new FileInfo(ours).Length:+0;-0} bytes)");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private sealed record Sample(double Seconds, long PeakKib, double CpuSeconds);

    private static double WorstRatio(List<Sample> theirs, List<Sample> ours) =>
        theirs.Zip(ours, (a, b) => a.Seconds / b.Seconds).Min();

    /// <summary>Once per folder: each tool opens what it sealed and what the other sealed.</summary>
    private static void CheckRoundTrips(string inputHash, string identityFile, string review, string ours, string theirs, string oursOut, string theirsOut)
    {
        if (HashFile(oursOut) != inputHash || HashFile(theirsOut) != inputHash)
            throw new InvalidOperationException("an opened file differs from the input");
        string crossed = oursOut + ".crossed";
        foreach (var command in new[]
                 {
                     new[] { StockAge, "-d", "-i", identityFile, "-o", crossed, ours },
                     new[] { review, "open", "-i", identityFile, "-o", crossed, theirs },
                 })
        {
            File.Delete(crossed);
            RunToEnd(command);
            if (HashFile(crossed) != inputHash)
                throw new InvalidOperationException($"{Path.GetFileName(command[0])} opened the other tool's file wrongly");
        }
        File.Delete(crossed);
    }

    private static void Measure(Dictionary<string, List<Sample>> results, string name, string[] command, string output)
    {
        // Each step starts from the same state: its own output of the run before just removed (so both
        // tools free and take as much memory right before they run) and no dirty pages of an earlier step
        // still waiting to be written back.
        File.Delete(output);
        RunToEnd(["sync"]);
        string timeFile = Path.GetTempFileName();
        try
        {
            var clock = Stopwatch.StartNew();
            RunToEnd([GnuTime, "-f", "%M %U %S", "-o", timeFile, .. command]);
            double seconds = clock.Elapsed.TotalSeconds;
            string[] measured = File.ReadAllText(timeFile).Trim().Split('\n')[^1].Split(' ');
            double cpu = double.Parse(measured[1], CultureInfo.InvariantCulture) + double.Parse(measured[2], CultureInfo.InvariantCulture);
            if (!results.TryGetValue(name, out var list)) results[name] = list = [];
            list.Add(new Sample(seconds, long.Parse(measured[0], CultureInfo.InvariantCulture), cpu));
        }
        finally
        {
            File.Delete(timeFile);
        }
    }

    internal static string RunToEnd(string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in command[1..]) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{string.Join(' ', command)} failed: {stderr}");
        return stdout.Result;
    }

    /// <summary>Stock age and GNU time from Debian, installed when missing and running as root.</summary>
    private static bool InstallMissingTools()
    {
        var missing = new[] { (StockAge, "age"), (GnuTime, "time") }.Where(t => !File.Exists(t.Item1)).Select(t => t.Item2).ToArray();
        if (missing.Length == 0) return true;
        if (Environment.UserName == "root")
        {
            Console.WriteLine($"age benchmark: installing {string.Join(' ', missing)}");
            using var install = Process.Start("sh", ["-c", $"apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq {string.Join(' ', missing)} >/dev/null"]);
            install.WaitForExit();
            if (install.ExitCode == 0) return true;
        }
        Console.Error.WriteLine($"age benchmark: needs {string.Join(' ', missing)} (apt-get install {string.Join(' ', missing)})");
        return false;
    }

    /// <summary>The apphosts a user runs after <c>dotnet build -c Release</c>, rebuilt first so that they are current.</summary>
    internal static (string Report, string Review) BuiltTools(bool build)
    {
        string root = RepositoryRoot();
        string Bin(string project, string name) => Path.Combine(root, "client", project, "bin", "Release", "net10.0", name);
        if (build)
        {
            foreach (string project in new[] { "Report", "Review" })
                RunToEnd(["dotnet", "build", Path.Combine(root, "client", project), "-c", "Release", "-nologo", "-v", "quiet"]);
        }
        return (Bin("Report", "report"), Bin("Review", "review"));
    }

    internal static string RepositoryRoot()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Reporting.sln")))
            root = Path.GetDirectoryName(root.TrimEnd('/')) ?? throw new InvalidOperationException("Reporting.sln not found above the benchmark; use --tools DIR");
        return root;
    }

    private static string StockAgeVersion() => RunToEnd([StockAge, "--version"]).Trim();

    private static string FileSystemOf(string path)
    {
        // findmnt names ext4 as such (stat -f says "ext2/ext3"); a mount point may be listed twice.
        string type = RunToEnd(["findmnt", "-n", "-o", "FSTYPE", "-T", path]).Split('\n')[0].Trim();
        return type == "tmpfs" ? "tmpfs: in memory" : $"{type}: on disk";
    }

    private static void WriteRandomFile(string path, int sizeMib)
    {
        var block = new byte[1 << 20];
        using var file = File.Create(path);
        for (int i = 0; i < sizeMib; i++)
        {
            RandomNumberGenerator.Fill(block);
            file.Write(block);
        }
    }

    private static string HashFile(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(file));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
