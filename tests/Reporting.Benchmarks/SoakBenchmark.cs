using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Reporting.Format.Protocol;

namespace Reporting.Benchmarks;

/// <summary>Issue 9's soak: minutes of 64 KiB submissions from the ingest benchmark's 32 clients, as fast as
/// the answers come back, against the real server as a process of its own. Once the store holds
/// <c>--keep</c> reports, each client also deletes the oldest after each submission, signed as a reviewer
/// would, so the store turns over instead of filling the disk at ~150 MiB/s. Every window prints the
/// server's figures; at the end the first window after warm-up is set beside the last, a verdict per
/// figure, and a search of the data folder and the log for the reports' plaintext canary, the clients'
/// address, idempotency keys and challenges. Exit 1 when memory, open files or threads grew, when any
/// request failed, or when the search found something.</summary>
public static class SoakBenchmark
{
    const int Clients = 32;
    const int EnvelopeBytes = 64 << 10;

    /// <summary>Where the clients connect from: not the address the server listens on (127.0.0.1, which it
    /// prints at start), so finding this one anywhere means a client address was kept.</summary>
    static readonly IPAddress ClientAddress = IPAddress.Parse("127.0.0.3");

    /// <summary>The growth rules. Memory: a fifth more, plus 32 MiB for the GC's heap sizing to settle.
    /// Open files and threads: medians of one-second samples, so uploads in flight (a socket and a
    /// temporary file each) and pool threads coming and going move them little; 16 more is noise, a leak
    /// of one per request or per thousand requests is thousands.</summary>
    static bool MemoryFlat(long start, long end) => end <= start * 1.2 + (32 << 20);
    static bool CountFlat(int start, int end) => end <= start + 16;
    /// <summary>Reported, not failed: shared cores move these with whatever else runs.</summary>
    static bool RateFlat(double start, double end) => end >= start / 1.5;
    static bool LatencyFlat(double start, double end) => end <= start * 1.5 + 5;
    /// <summary>Reported, not failed: spent challenges (and with PostgreSQL signed requests' nonces) are kept (a row each)
    /// until their day expires, by design, so the store grows slowly even while reports turn over.</summary>
    static bool SizeFlat(long start, long end) => end <= start * 1.2 + (16 << 20);

    sealed class Window
    {
        readonly List<double> _latencies = [];
        readonly List<ProcessFigures> _samples = [];
        public int Deletes;
        public int Errors;
        public void Submitted(double ms) { lock (_latencies) _latencies.Add(ms); }
        public void Sampled(ProcessFigures figures) { lock (_samples) _samples.Add(figures); }

        public Row Close(string name, double seconds, long dataBytes, string load)
        {
            double[] sorted;
            lock (_latencies)
                sorted = [.. _latencies.Order()];
            ProcessFigures[] samples;
            lock (_samples)
                samples = [.. _samples];
            static T Median<T>(IEnumerable<T> values) { var a = values.Order().ToArray(); return a.Length == 0 ? default! : a[a.Length / 2]; }
            return new Row(name, sorted.Length, Deletes, Errors, sorted.Length / seconds,
                sorted.Length == 0 ? 0 : sorted[sorted.Length / 2], sorted.Length == 0 ? 0 : sorted[(int)(sorted.Length * 0.99)],
                Median(samples.Select(s => s.RssBytes)), Median(samples.Select(s => s.OpenFiles)), Median(samples.Select(s => s.Sockets)), Median(samples.Select(s => s.Threads)),
                dataBytes, load);
        }
    }

    sealed record Row(string Name, int Submissions, int Deletes, int Errors, double PerSecond, double P50Ms, double P99Ms,
        long RssBytes, int OpenFiles, int Sockets, int Threads, long DataBytes, string Load);

    public static async Task<int> RunAsync(string[] args)
    {
        var minutes = 5.0;
        var windowSeconds = 30;
        var warmupSeconds = 15;
        var keep = 1000;
        var rate = 0.0;
        var store = "sqlite";
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--minutes": minutes = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--window-seconds": windowSeconds = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--warmup-seconds": warmupSeconds = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--keep": keep = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--rate": rate = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--store": store = Value(); break;
                default: return Fail($"unknown option {args[i]}", "see: dotnet run -c Release --project tests/Reporting.Benchmarks");
            }
        }
        if (store is not ("sqlite" or "postgres"))
            return Fail($"--store is sqlite or postgres, not {store}", null);
        var admin = Environment.GetEnvironmentVariable("REPORTING_BENCH_POSTGRES");
        if (store == "postgres" && string.IsNullOrEmpty(admin))
            return Fail("--store postgres needs a database", "eval \"$(tests/postgres.sh start /tmp/reporting-pg)\"; export REPORTING_BENCH_POSTGRES=\"$REPORTING_TEST_POSTGRES\"");

        await using var world = await BenchWorld.CreateAsync(Clients, store == "postgres" ? admin : null);
        var canary = $"CANARY-soak-{Guid.NewGuid():N} plaintext 병원 医院";
        var envelope = world.Seal(EnvelopeBytes, canary);
        var dataDir = Path.Combine(world.Folder, "data");
        var logFile = Path.Combine(world.Folder, "server.log");
        await using var server = await ServerProcess.StartAsync(world.ServerSettings(dataDir, store == "postgres"), logFile);
        using var http = Load.NewClient(Clients, ClientAddress, server.Address);

        Console.WriteLine($"soak: {store}, {envelope.Length} byte envelopes from {Clients} clients " +
            (rate > 0 ? $"at {rate:F0} submissions/s in all" : "as fast as answers come") +
            $", store kept at {keep} reports by signed deletes, {minutes:F1} min in {windowSeconds} s windows after {warmupSeconds} s of warm-up; " +
            $"server pid {server.Id}, {Environment.ProcessorCount} cores, load average {ProcessFigures.LoadAverage()}");
        Console.WriteLine($"{"window",-10}{"subm",8}{"del",8}{"err",5}{"req/s",8}{"p50 ms",8}{"p99 ms",8}{"RSS MiB",9}{"files",6}{"socks",6}{"thr",5}{"data MiB",10}  load");

        var kept = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var recent = new (string Key, string Challenge)[8];
        var window = new Window();
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var load = Load.RunAsync(Clients, _ => !stop.IsCancellationRequested, async i =>
        {
            var current = Volatile.Read(ref window);
            if (rate > 0 && TimeSpan.FromSeconds(i / rate) - clock.Elapsed is { Ticks: > 0 } wait)
                await Task.Delay(wait);
            try
            {
                var challenge = await Load.ChallengeAsync(http, server.Address);
                var key = Load.NewIdempotencyKey();
                recent[i % recent.Length] = (key, challenge);
                using (var submission = Load.Submission(server.Address, challenge, envelope, key))
                {
                    var (ms, id) = await Load.SubmitAsync(http, submission);
                    current.Submitted(ms);
                    kept.Enqueue(id);
                }
                if (kept.Count > keep && kept.TryDequeue(out var oldest))
                {
                    using var delete = RequestSignature.CreateRequest(world.ReviewerKey, HttpMethod.Delete, Routes.Report(oldest), null, DateTimeOffset.UtcNow);
                    using var deleted = await http.SendAsync(delete);
                    if (deleted.StatusCode != HttpStatusCode.NoContent)
                        throw new InvalidOperationException($"delete answered {(int)deleted.StatusCode}");
                    Interlocked.Increment(ref current.Deletes);
                }
            }
            catch (Exception e) when (e is InvalidOperationException or HttpRequestException or IOException)
            {
                if (Interlocked.Increment(ref current.Errors) <= 3)
                    Console.WriteLine($"  error: {e.Message}");
            }
        });

        var rows = new List<Row>();
        var ends = new List<TimeSpan> { TimeSpan.FromSeconds(warmupSeconds) };
        while (ends[^1] < TimeSpan.FromSeconds(warmupSeconds + minutes * 60 - 0.5))
            ends.Add(ends[^1] + TimeSpan.FromSeconds(windowSeconds));
        var opened = TimeSpan.Zero;
        foreach (var end in ends)
        {
            while (clock.Elapsed < end && !load.IsCompleted)
            {
                window.Sampled(ProcessFigures.Of(server.Id));
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            var closed = Interlocked.Exchange(ref window, new Window());
            var row = closed.Close(rows.Count == 0 ? "warm-up" : $"{end.TotalMinutes:F1} min", (clock.Elapsed - opened).TotalSeconds,
                FolderBytes(dataDir) + await world.DatabaseBytesAsync(), ProcessFigures.LoadAverage());
            opened = clock.Elapsed;
            rows.Add(row);
            Console.WriteLine($"{row.Name,-10}{row.Submissions,8}{row.Deletes,8}{row.Errors,5}{row.PerSecond,8:F0}{row.P50Ms,8:F1}{row.P99Ms,8:F1}" +
                $"{row.RssBytes / 1048576.0,9:F1}{row.OpenFiles,6}{row.Sockets,6}{row.Threads,5}{row.DataBytes / 1048576.0,10:F1}  {row.Load}");
            if (load.IsCompleted)
                break;
        }
        stop.Cancel();
        await load;
        http.Dispose();
        await Task.Delay(TimeSpan.FromSeconds(3));
        var idle = ProcessFigures.Of(server.Id);
        Console.WriteLine($"idle 3 s after the load, clients disconnected: RSS {idle.RssBytes / 1048576.0:F1} MiB, {idle.OpenFiles} open files, {idle.Sockets} sockets, {idle.Threads} threads");

        var failed = rows.Count < 3;
        if (failed)
            Console.WriteLine("soak: too short to compare (needs two windows after warm-up)");
        else
        {
            var (first, last) = (rows[1], rows[^1]);
            Console.WriteLine($"{"",-22}{"start (" + first.Name + ")",18}{"end (" + last.Name + ")",18}  verdict");
            bool Verdict(string name, string start, string end, bool flat, string rule, bool fails)
            {
                Console.WriteLine($"{name,-22}{start,18}{end,18}  {(flat ? "flat" : fails ? "GROWING" : "changed")} ({rule}){(fails ? "" : ", reported only")}");
                return !flat && fails;
            }
            failed |= Verdict("server RSS MiB", Mib(first.RssBytes), Mib(last.RssBytes), MemoryFlat(first.RssBytes, last.RssBytes), "end <= start x 1.2 + 32 MiB", true);
            failed |= Verdict("open files (no sockets)", $"{first.OpenFiles}", $"{last.OpenFiles}", CountFlat(first.OpenFiles, last.OpenFiles), "end <= start + 16", true);
            failed |= Verdict("sockets", $"{first.Sockets}", $"{last.Sockets}", last.Sockets <= first.Sockets + 64, "end <= start + 64", true);
            failed |= Verdict("threads", $"{first.Threads}", $"{last.Threads}", CountFlat(first.Threads, last.Threads), "end <= start + 16", true);
            failed |= Verdict("submissions/s", $"{first.PerSecond:F0}", $"{last.PerSecond:F0}", RateFlat(first.PerSecond, last.PerSecond), "end >= start / 1.5", false);
            failed |= Verdict("p50 ms", $"{first.P50Ms:F1}", $"{last.P50Ms:F1}", LatencyFlat(first.P50Ms, last.P50Ms), "end <= start x 1.5 + 5 ms", false);
            failed |= Verdict("p99 ms", $"{first.P99Ms:F1}", $"{last.P99Ms:F1}", LatencyFlat(first.P99Ms, last.P99Ms), "end <= start x 1.5 + 5 ms", false);
            failed |= Verdict("data MiB", Mib(first.DataBytes), Mib(last.DataBytes), SizeFlat(first.DataBytes, last.DataBytes), "end <= start x 1.2 + 16 MiB", false);
            Console.WriteLine($"{"load average (1 min)",-22}{first.Load.Split(' ')[0],18}{last.Load.Split(' ')[0],18}  (other work on these cores)");
        }
        var errors = rows.Sum(r => r.Errors);
        Console.WriteLine($"requests failed: {errors} of {rows.Sum(r => r.Submissions + r.Deletes + r.Errors)} (submissions and deletes, warm-up included)");
        failed |= errors > 0;

        var exit = await server.StopAsync(TimeSpan.FromSeconds(30));
        var secrets = new List<(string What, string Text)> { ("plaintext canary", canary), ("client address", ClientAddress.ToString()) };
        secrets.AddRange(recent.Where(r => r.Key is not null).SelectMany(r => new[] { ("idempotency key", r.Key), ("challenge", r.Challenge) }));
        var found = await SecretSearch.FindAsync(secrets, [dataDir, logFile], world.Postgres);
        Console.WriteLine($"server stopped with exit code {exit}; log {new FileInfo(logFile).Length} bytes, {File.ReadLines(logFile).Count()} lines; " +
            $"searched the data folder{(world.Postgres is null ? "" : ", every row of the database schema")} and the log for the plaintext canary, " +
            $"{ClientAddress} and the last {secrets.Count(s => s.What == "challenge")} idempotency keys and challenges: " +
            (found.Count == 0 ? "none found" : "FOUND " + string.Join("; ", found)));
        failed |= found.Count > 0 || exit != 0;
        if (exit != 0)
            foreach (var line in File.ReadLines(logFile).TakeLast(40))
                Console.WriteLine($"  server log: {line}");
        Console.WriteLine($"soak: {(failed ? "FAILED" : "passed")}; load average at the end {ProcessFigures.LoadAverage()}");
        return failed ? 1 : 0;
    }

    static string Mib(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);

    static long FolderBytes(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => { try { return new FileInfo(f).Length; } catch (IOException) { return 0; } })
            : 0;

    static int Fail(string error, string? hint)
    {
        Console.Error.WriteLine($"soak: error: {error}");
        if (hint is not null)
            Console.Error.WriteLine($"soak: hint: {hint}");
        return 2;
    }
}
