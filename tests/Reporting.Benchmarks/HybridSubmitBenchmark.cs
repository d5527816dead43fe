using System.Diagnostics;
using System.Globalization;
using Reporting.Format.Age;

namespace Reporting.Benchmarks;

/// <summary>What a post-quantum roster costs a source (docs/DESIGN.md D1): the real <c>report submit</c> (codename,
/// sealing, proof of work at a low difficulty, upload to a server in this process on loopback) to 5 hybrid reviewers
/// beside 5 classic ones, interleaved: the process's CPU time (user + sys, GNU time) and the envelope's size. Then
/// the per-stanza cost inside one process, where the difference lives: wrapping and unwrapping one file key.</summary>
internal static class HybridSubmitBenchmark
{
    const string GnuTime = "/usr/bin/time";
    const string Usage = "pq [--runs R] [--reviewers N] [--no-build]";

    public static async Task<int> RunAsync(string[] args)
    {
        int runs = 7, reviewers = 5;
        bool build = true;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--reviewers": reviewers = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--no-build": build = false; break;
                default: Console.Error.WriteLine($"pq benchmark: unknown option {args[i]}; usage: {Usage}"); return 2;
            }
        }
        if (!File.Exists(GnuTime))
        {
            Console.Error.WriteLine("pq benchmark: needs GNU time (apt-get install time)");
            return 2;
        }
        var (report, _) = AgeBenchmark.BuiltTools(build);

        Console.WriteLine($"pq benchmark: report submit to {reviewers} reviewers, classic (X25519) beside post-quantum hybrid (mlkem768x25519), {runs} interleaved runs, {Environment.ProcessorCount} cores");
        await using var classic = await Source.StartAsync(report, reviewers, KeyKind.X25519);
        await using var hybrid = await Source.StartAsync(report, reviewers, KeyKind.Hybrid);
        var samples = new Dictionary<KeyKind, List<(double Wall, double Cpu)>> { [KeyKind.X25519] = [], [KeyKind.Hybrid] = [] };
        for (int run = 0; run < runs; run++)
        {
            foreach (var source in run % 2 == 0 ? new[] { classic, hybrid } : [hybrid, classic])
                samples[source.Kind].Add(source.Submit());
        }

        Console.WriteLine($"  {"",-8} {"CPU s",6} {"wall s",7} {"envelope",9} {"header",7}   CPU s of each run");
        foreach (var source in new[] { classic, hybrid })
        {
            var (envelope, header) = await source.LastEnvelopeAsync();
            var list = samples[source.Kind];
            Console.WriteLine($"  {(source.Kind == KeyKind.Hybrid ? "hybrid" : "classic"),-8} {Median(list.Select(s => s.Cpu)),6:F2} {Median(list.Select(s => s.Wall)),7:F2} " +
                              $"{envelope,9} {header,7}   {string.Join(", ", list.Select(s => s.Cpu.ToString("F2", CultureInfo.InvariantCulture)))}");
        }

        PerStanza();
        return 0;
    }

    /// <summary>One file key wrapped to and unwrapped from one recipient, in this process, median of many.</summary>
    static void PerStanza()
    {
        using var x25519 = X25519Identity.Generate();
        using var hybrid = HybridIdentity.Generate();
        Span<byte> fileKey = stackalloc byte[16];
        Console.WriteLine("  one stanza, in process (median of 500): wrap / unwrap");
        foreach (var (name, identity) in new (string, IKeyIdentity)[] { ("classic", x25519), ("hybrid", hybrid) })
        {
            var wraps = new List<double>();
            var unwraps = new List<double>();
            for (int i = 0; i < 550; i++)
            {
                var clock = Stopwatch.StartNew();
                var stanza = identity.Recipient.Wrap(fileKey);
                var wrapped = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                _ = identity.Unwrap([stanza]) ?? throw new InvalidOperationException("a stanza did not unwrap");
                // The first runs warm the JIT up.
                if (i < 50) continue;
                wraps.Add(wrapped);
                unwraps.Add(clock.Elapsed.TotalMilliseconds);
            }
            Console.WriteLine($"    {name,-8} {Median(wraps),6:F3} ms / {Median(unwraps),6:F3} ms");
        }
    }

    static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>A server with a roster of one kind, and a source's home initialised against it.</summary>
    sealed class Source : IAsyncDisposable
    {
        readonly TestWorld world;
        readonly RunningServer server;
        readonly string report;
        readonly string text;

        Source(TestWorld world, RunningServer server, string report)
        {
            this.world = world;
            this.server = server;
            this.report = report;
            text = world.Folder.Write("text.txt", string.Concat(Enumerable.Repeat("Two people were detained at the station on the way south.\n", 64)));
        }

        public KeyKind Kind => world.Kind;
        string Home => world.Folder["home"];

        public static async Task<Source> StartAsync(string report, int reviewers, KeyKind kind)
        {
            var world = new TestWorld(reviewers, kind);
            var server = await RunningServer.StartAsync(world);
            var source = new Source(world, server, report);
            AgeBenchmark.RunToEnd([report, "--home", source.Home, "init", "--server", server.Address.ToString(), "--org-key", world.Organisation.PublicKey.ToString(), "--language", "en"]);
            return source;
        }

        /// <summary>One report submitted (with a codename for answers, as by default); wall and CPU seconds.</summary>
        public (double Wall, double Cpu) Submit()
        {
            string timeFile = Path.GetTempFileName();
            try
            {
                var clock = Stopwatch.StartNew();
                AgeBenchmark.RunToEnd([GnuTime, "-f", "%U %S", "-o", timeFile, report, "--home", Home, "submit", "--category", "arrest", "--text-file", text, "--yes"]);
                double wall = clock.Elapsed.TotalSeconds;
                var measured = File.ReadAllText(timeFile).Trim().Split('\n')[^1].Split(' ');
                return (wall, double.Parse(measured[0], CultureInfo.InvariantCulture) + double.Parse(measured[1], CultureInfo.InvariantCulture));
            }
            finally
            {
                File.Delete(timeFile);
            }
        }

        /// <summary>The size of one envelope the server stored (they differ only in padding), and of its age header.</summary>
        public async Task<(long Envelope, long Header)> LastEnvelopeAsync()
        {
            var last = (await server.ListReportsAsync())[0];
            var bytes = await server.DownloadAsync(last.Id);
            var stream = new MemoryStream(bytes);
            var header = AgeHeader.Parse(stream);
            if (header.Stanzas.Any(s => s.Type != AgeKeys.StanzaTypeOf(Kind)))
                throw new InvalidOperationException("an envelope holds a stanza of the other kind");
            return (bytes.Length, stream.Position);
        }

        public async ValueTask DisposeAsync()
        {
            await server.DisposeAsync();
            world.Dispose();
        }
    }
}
