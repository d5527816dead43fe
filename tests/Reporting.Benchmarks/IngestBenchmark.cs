using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Reporting.Server;

namespace Reporting.Benchmarks;

/// <summary>docs/DESIGN.md §5: ingest of 64 KiB envelopes from 32 concurrent clients at the lowest difficulty, beside
/// a bare Kestrel endpoint that writes the same bytes to a file and fsyncs it; on SQLite, on PostgreSQL
/// (when REPORTING_BENCH_POSTGRES gives a database) and on two instances sharing that database; p50/p99
/// latency; then the server's memory growth during a 1 GiB upload. Every server runs in this process on
/// loopback; challenges are fetched before the timed phase, so the timed requests are the submissions
/// alone.</summary>
public static class IngestBenchmark
{
    const int Clients = 32;
    const int EnvelopeBytes = 64 << 10;
    const int WarmupRequests = 8000;
    static readonly int TimedRequests = int.TryParse(Environment.GetEnvironmentVariable("INGEST_REQUESTS"), out var n) ? n : 2000;
    /// <summary>Each side is measured this many times, alternating, and the median run counts: one run
    /// disturbed by another process on a shared machine moves neither figure much.</summary>
    static readonly int Rounds = int.TryParse(Environment.GetEnvironmentVariable("INGEST_ROUNDS"), out var r) && r > 0 ? r : 3;

    /// <summary>A pause before each timed run: the server's background WAL checkpoint (every 500 ms) and
    /// the kernel's write-back of the previous run finish first, instead of landing on the next run (which
    /// was usually the bare one).</summary>
    static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    /// <summary>CPU and bytes written are this whole process's per request (client included, the same
    /// for both sides): steadier than req/s when other work shares the cores.</summary>
    sealed record Measured(double PerSecond, double MiBPerSecond, double P50Ms, double P99Ms, double CpuMs, double WrittenKiB);

    public static async Task<int> RunAsync()
    {
        // The bare endpoint fsyncs on a thread-pool thread (as a plain ASP.NET handler would); with the
        // pool's default minimum it starts starved and the pool's slow thread injection made its figure
        // climb round after round. Enough threads from the start gives the baseline its best, steady pace.
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, Clients * 2), completionPorts);
        await using var world = await BenchWorld.CreateAsync(Clients, Environment.GetEnvironmentVariable("REPORTING_BENCH_POSTGRES"));
        var envelope = world.Seal(EnvelopeBytes);
        var targets = new List<Target> { new("SQLite", [await StartServerAsync(world.ServerSettings(Path.Combine(world.Folder, "sqlite"), postgres: false))]) };
        if (world.Postgres is not null)
        {
            targets.Add(new("PostgreSQL", [await StartServerAsync(world.ServerSettings(Path.Combine(world.Folder, "pg-a"), postgres: true))]));
            // A second instance on the same database beside the first: their combined rate.
            targets.Add(new("PostgreSQL x2", [targets[1].Servers[0], await StartServerAsync(world.ServerSettings(Path.Combine(world.Folder, "pg-b"), postgres: true))]));
        }
        await using var bare = await StartBareAsync(Path.Combine(world.Folder, "bare"));
        var bareUri = new Uri(bare.Urls.First());
        using var http = Load.NewClient(Clients);

        Console.WriteLine($"ingest: {envelope.Length} byte envelopes, {Clients} concurrent clients, difficulty 0, " +
            $"{TimedRequests} timed requests per run, {Rounds} rounds, {Environment.ProcessorCount} cores" +
            (world.Postgres is null ? "; PostgreSQL skipped (set REPORTING_BENCH_POSTGRES, see README)" : ""));
        await MeasureAsync(http, WarmupRequests, i => BareRequest(bareUri, envelope));
        foreach (var target in targets)
            await MeasureAsync(http, WarmupRequests, await ServerRequestsAsync(http, target.Uris, envelope, WarmupRequests));
        var bareRuns = new List<Measured>();
        for (var round = 0; round < Rounds; round++)
        {
            await Task.Delay(Settle);
            bareRuns.Add(await MeasureAsync(http, TimedRequests, i => BareRequest(bareUri, envelope)));
            foreach (var target in targets)
            {
                var requests = await ServerRequestsAsync(http, target.Uris, envelope, TimedRequests);
                await Task.Delay(Settle);
                target.Runs.Add(await MeasureAsync(http, TimedRequests, requests));
            }
        }
        Console.WriteLine($"{"",-26}{"req/s",10}{"MiB/s",10}{"p50 ms",10}{"p99 ms",10}{"CPU ms/req",12}{"KiB written/req",17}");
        for (var round = 0; round < Rounds; round++)
        {
            Print($"bare Kestrel + fsync #{round + 1}", bareRuns[round]);
            foreach (var target in targets)
                Print($"{target.Name} #{round + 1}", target.Runs[round]);
        }
        var bareRate = Median(bareRuns.Select(r => r.PerSecond));
        foreach (var target in targets)
            Console.WriteLine($"{target.Name + " / bare",-26}throughput ratio {Median(target.Runs.Select(r => r.PerSecond)) / bareRate:F2} (goal >= 0.70; medians of {Rounds} rounds), " +
                $"p50 {Median(target.Runs.Select(r => r.P50Ms)):F2} ms, p99 {Median(target.Runs.Select(r => r.P99Ms)):F2} ms " +
                $"(bare p50 {Median(bareRuns.Select(r => r.P50Ms)):F2}, p99 {Median(bareRuns.Select(r => r.P99Ms)):F2})");
        Console.WriteLine("KiB written/req counts this process's writes only: PostgreSQL's own writes happen in its processes.");

        var (growth, seconds, status) = await UploadLargeAsync(targets[0].Uris[0], envelope, 1L << 30);
        Console.WriteLine($"1 GiB upload (SQLite): HTTP {status} in {seconds:F1} s ({1024 / seconds:F0} MiB/s); " +
            $"process memory growth {growth / (1 << 20):F1} MiB (goal <= 64 MiB)");
        if (targets.Count > 1)
        {
            (growth, seconds, status) = await UploadLargeAsync(targets[1].Uris[0], envelope, 1L << 30);
            Console.WriteLine($"1 GiB upload (PostgreSQL): HTTP {status} in {seconds:F1} s ({1024 / seconds:F0} MiB/s); " +
                $"process memory growth {growth / (1 << 20):F1} MiB (goal <= 64 MiB)");
        }

        foreach (var server in targets.SelectMany(t => t.Servers).Distinct())
        {
            await server.StopAsync();
            await server.DisposeAsync();
        }
        return 0;
    }

    sealed record Target(string Name, List<WebApplication> Servers)
    {
        public List<Measured> Runs { get; } = [];
        public Uri[] Uris => [.. Servers.Select(s => new Uri(s.Urls.First()))];
    }

    /// <summary>The real server in this process, so its CPU and writes count in this process's figures.</summary>
    static async Task<WebApplication> StartServerAsync(Dictionary<string, string?> settings)
    {
        var server = ServerApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
        });
        await ServerApp.PrepareAsync(server);
        await server.StartAsync();
        return server;
    }

    static void Print(string name, Measured m) =>
        Console.WriteLine($"{name,-26}{m.PerSecond,10:F0}{m.MiBPerSecond,10:F1}{m.P50Ms,10:F2}{m.P99Ms,10:F2}{m.CpuMs,12:F2}{m.WrittenKiB,17:F0}");

    static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Bytes this process has asked the kernel to write so far (Linux; 0 elsewhere).</summary>
    static long BytesWritten()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/io"))
                if (line.StartsWith("wchar:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(6).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 0;
    }

    /// <summary>The baseline: a minimal endpoint streaming the body to its own file, fsynced.</summary>
    static async Task<WebApplication> StartBareAsync(string folder)
    {
        Directory.CreateDirectory(folder);
        // As the server: no configuration file watching (it would wake for files written below the content root).
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0", "--hostBuilder:reloadConfigOnChange=false"]);
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        var app = builder.Build();
        app.MapPost("/ingest", async (HttpContext context) =>
        {
            var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            await using (var file = new FileStream(Path.Combine(folder, id), FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
            {
                await context.Request.Body.CopyToAsync(file, 64 << 10);
                file.Flush(flushToDisk: true);
            }
            return Results.Created((string?)null, new { id });
        });
        await app.StartAsync();
        return app;
    }

    static HttpRequestMessage BareRequest(Uri bare, byte[] envelope) =>
        new(HttpMethod.Post, new Uri(bare, "/ingest")) { Content = Load.Octets(envelope) };

    /// <summary>Fetches one challenge per request beforehand, all from the first server; the submissions go
    /// round the servers (so with two instances, half the tokens are redeemed at the instance that did not
    /// issue them).</summary>
    static async Task<Func<int, HttpRequestMessage>> ServerRequestsAsync(HttpClient http, Uri[] servers, byte[] envelope, int count)
    {
        var challenges = new string[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = Clients }, async (i, cancel) =>
            challenges[i] = await Load.ChallengeAsync(http, servers[0], cancel));
        return i => Load.Submission(servers[i % servers.Length], challenges[i], envelope);
    }

    static async Task<Measured> MeasureAsync(HttpClient http, int count, Func<int, HttpRequestMessage> request)
    {
        var latencies = new double[count];
        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var writtenBefore = BytesWritten();
        var total = Stopwatch.StartNew();
        await Load.RunAsync(Clients, i => i < count, async i =>
        {
            using var message = request(i);
            latencies[i] = (await Load.SubmitAsync(http, message)).Ms;
        });
        var seconds = total.Elapsed.TotalSeconds;
        self.Refresh();
        var cpuMs = (self.TotalProcessorTime - cpuBefore).TotalMilliseconds / count;
        var writtenKiB = (BytesWritten() - writtenBefore) / 1024.0 / count;
        Array.Sort(latencies);
        var bytes = (double)count * EnvelopeBytes;
        return new Measured(count / seconds, bytes / seconds / (1 << 20), latencies[count / 2], latencies[(int)(count * 0.99)], cpuMs, writtenKiB);
    }

    /// <summary>Streams a ~1 GiB envelope (a real header, then a payload of the right length) while
    /// sampling this process's resident memory; growth is the peak over the level just before.</summary>
    static async Task<(long Growth, double Seconds, int Status)> UploadLargeAsync(Uri server, byte[] small, long payloadPlaintext)
    {
        var headerLength = HeaderLength(small);
        var chunks = payloadPlaintext / (64 << 10);
        var payloadLength = 16 + chunks * ((64 << 10) + 16);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromMinutes(30) };
        var token = await Load.ChallengeAsync(http, server);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var before = self.WorkingSet64;
        var peak = before;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                self.Refresh();
                peak = Math.Max(peak, self.WorkingSet64);
                try { await Task.Delay(20, sampling.Token); } catch (OperationCanceledException) { }
            }
        });

        // The work is priced on the length the upload declares, not on the empty envelope given for the headers.
        var nonce = Reporting.Format.Protocol.ProofOfWork.Solve(Encoding.ASCII.GetBytes(token), Reporting.Format.Protocol.ProofOfWork.DifficultyFor(0, headerLength + payloadLength));
        var request = Load.Submission(server, token, [], nonce: nonce);
        request.Content = new StreamContent(new SyntheticEnvelope(small.AsMemory(0, headerLength), payloadLength), 64 << 10);
        request.Content.Headers.ContentType = new("application/octet-stream");
        request.Content.Headers.ContentLength = headerLength + payloadLength;
        var clock = Stopwatch.StartNew();
        using var response = await http.SendAsync(request);
        var seconds = clock.Elapsed.TotalSeconds;
        sampling.Cancel();
        await sampler;
        return (peak - before, seconds, (int)response.StatusCode);
    }

    static int HeaderLength(byte[] envelope)
    {
        var text = Encoding.Latin1.GetString(envelope, 0, Math.Min(envelope.Length, 4096));
        var mac = text.IndexOf("\n--- ", StringComparison.Ordinal);
        return text.IndexOf('\n', mac + 1) + 1;
    }

    /// <summary>A header followed by <c>payloadLength</c> bytes of filler, generated as it is read.</summary>
    sealed class SyntheticEnvelope(ReadOnlyMemory<byte> header, long payloadLength) : Stream
    {
        static readonly byte[] Filler = RandomNumberGenerator.GetBytes(1 << 20);
        long _position;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> destination)
        {
            var total = header.Length + payloadLength;
            if (_position >= total)
                return 0;
            int n;
            if (_position < header.Length)
            {
                n = Math.Min(destination.Length, header.Length - (int)_position);
                header.Span.Slice((int)_position, n).CopyTo(destination);
            }
            else
            {
                var offset = (int)((_position - header.Length) % Filler.Length);
                n = (int)Math.Min(Math.Min(destination.Length, Filler.Length - offset), total - _position);
                Filler.AsSpan(offset, n).CopyTo(destination);
            }
            _position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => header.Length + payloadLength;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
