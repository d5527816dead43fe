using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Reporting.Format.Age;

namespace Reporting.Benchmarks;

/// <summary>Seal and open a large file, file to file, with our age and the stock age binary side by
/// side in one run: interleaved, median of several runs, each a child process so that peak RSS
/// (GNU time's %M) compares like for like. Goals (DESIGN §5): seal ≥ 1.5×, open ≥ 1.2× age, ≤ 64 MiB.</summary>
internal static class AgeBenchmark
{
    private const string StockAge = "/usr/bin/age";
    private const string GnuTime = "/usr/bin/time";

    public static int Run(string[] args)
    {
        int sizeMib = 1024, runs = 3;
        string dir = Path.GetTempPath();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--size-mib": sizeMib = int.Parse(args[++i]); break;
                case "--runs": runs = int.Parse(args[++i]); break;
                case "--dir": dir = args[++i]; break;
                default: Console.Error.WriteLine($"age benchmark: unknown option {args[i]}"); return 2;
            }
        }
        foreach (string tool in new[] { StockAge, GnuTime })
        {
            if (!File.Exists(tool))
            {
                Console.Error.WriteLine($"age benchmark: {tool} is missing (apt-get install {Path.GetFileName(tool)})");
                return 2;
            }
        }

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

            Console.WriteLine($"age benchmark: {sizeMib} MiB file to file in {work}, {runs} interleaved runs, {Environment.ProcessorCount} cores");
            var results = new Dictionary<string, List<(double Seconds, long PeakKib, double CpuSeconds)>>();
            string ours = Path.Combine(work, "ours.age"), theirs = Path.Combine(work, "age.age");
            string oursOut = Path.Combine(work, "ours.out"), theirsOut = Path.Combine(work, "age.out");
            for (int run = 0; run < runs; run++)
            {
                Measure(results, "ours seal", Self("age-seal", recipient, plain, ours));
                Measure(results, "age seal", [StockAge, "-r", recipient, "-o", theirs, plain]);
                Measure(results, "ours open", Self("age-open", identityFile, ours, oursOut));
                Measure(results, "age open", [StockAge, "-d", "-i", identityFile, "-o", theirsOut, theirs]);
                if (run == 0)
                {
                    // Correctness once: each opened what it sealed, and age opens ours too.
                    if (HashFile(oursOut) != inputHash || HashFile(theirsOut) != inputHash)
                        throw new InvalidOperationException("an opened file differs from the input");
                }
                File.Delete(oursOut);
                File.Delete(theirsOut);
            }

            Console.WriteLine($"{"",-10} {"MiB/s",8} {"peak RSS",11} {"CPU s",6}   (medians of {runs}; CPU = user + sys, all threads)");
            foreach (var (name, samples) in results)
            {
                double seconds = Median(samples.Select(s => s.Seconds));
                long peak = samples.Max(s => s.PeakKib);
                double cpu = Median(samples.Select(s => s.CpuSeconds));
                Console.WriteLine($"{name,-10} {sizeMib / seconds,8:F0} {peak / 1024.0,7:F1} MiB {cpu,6:F2}   MiB/s per run: {string.Join(", ", samples.Select(s => (sizeMib / s.Seconds).ToString("F0")))}");
            }
            double sealRatio = Median(results["age seal"].Select(s => s.Seconds)) / Median(results["ours seal"].Select(s => s.Seconds));
            double openRatio = Median(results["age open"].Select(s => s.Seconds)) / Median(results["ours open"].Select(s => s.Seconds));
            long oursPeak = Math.Max(results["ours seal"].Max(s => s.PeakKib), results["ours open"].Max(s => s.PeakKib));
            Console.WriteLine($"seal: {sealRatio:F2}x age (goal >= 1.5)   open: {openRatio:F2}x age (goal >= 1.2)   our peak RSS: {oursPeak / 1024.0:F1} MiB (goal <= 64)");
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The child-process side: <c>age-seal RECIPIENT IN OUT</c> / <c>age-open IDENTITY-FILE IN OUT</c>.</summary>
    public static int Child(string mode, string[] args)
    {
        using var input = new FileStream(args[1], FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        using var output = new FileStream(args[2], FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        if (mode == "age-seal")
        {
            AgeFile.Seal(input, output, [X25519Recipient.Parse(args[0])]);
        }
        else
        {
            var identities = IdentityFile.Parse(File.ReadAllBytes(args[0]));
            AgeFile.Open(input, output, identities);
            foreach (var identity in identities) identity.Dispose();
        }
        return 0;
    }

    private static string[] Self(params string[] args)
    {
        // Under `dotnet run` the process is the app host; under `dotnet X.dll`, re-run the dll.
        string host = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? [host, typeof(AgeBenchmark).Assembly.Location, .. args]
            : [host, .. args];
    }

    private static void Measure(Dictionary<string, List<(double Seconds, long PeakKib, double CpuSeconds)>> results, string name, string[] command)
    {
        string timeFile = Path.GetTempFileName();
        try
        {
            var start = new ProcessStartInfo(GnuTime) { RedirectStandardError = true };
            foreach (string a in new[] { "-f", "%M %U %S", "-o", timeFile }.Concat(command)) start.ArgumentList.Add(a);
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            double seconds = clock.Elapsed.TotalSeconds;
            if (process.ExitCode != 0) throw new InvalidOperationException($"{name} failed: {stderr}");
            string[] measured = File.ReadAllText(timeFile).Trim().Split('\n')[^1].Split(' ');
            long peakKib = long.Parse(measured[0]);
            double cpu = double.Parse(measured[1], CultureInfo.InvariantCulture) + double.Parse(measured[2], CultureInfo.InvariantCulture);
            if (!results.TryGetValue(name, out var list)) results[name] = list = [];
            list.Add((seconds, peakKib, cpu));
        }
        finally
        {
            File.Delete(timeFile);
        }
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
