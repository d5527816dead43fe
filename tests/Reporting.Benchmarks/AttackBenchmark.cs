using System.Globalization;
using Reporting.Testing.Attacks;

namespace Reporting.Benchmarks;

/// <summary>DESIGN §5, under attack: each cheap attack of the threat model at a stated strength against the server as
/// a process of its own, configured as an operator would run it (default limits, one lower difficulty for everyone),
/// while honest sources submit 64 KiB reports; beside the same honest load with no attack, measured just before each
/// attack so that other work on a shared machine weighs on both alike.
/// Per attack: honest reports delivered of attempted, their p50 and p99 latency, the worst, and whether every one
/// arrived within a minute with a p99 within five times the unattacked one. On SQLite, and on PostgreSQL when
/// REPORTING_BENCH_POSTGRES gives a database. The attacks run in this process, on the same cores as the server.</summary>
public static class AttackBenchmark
{
    const int EnvelopeBytes = 64 << 10;

    /// <summary>For every token, the attackers' and the sources': 2^12 hashes, so that the attackers' tokens cost
    /// 256 times less than at the default 20 (a stronger attack than a real one at the same strength) and the
    /// sources' solving stays out of the measurement. What the tokens cost at 20 is in the threat model.</summary>
    const int Difficulty = 12;

    /// <summary>About twelve reports a second: enough of them in a phase that the p99 is not simply the worst.</summary>
    const int HonestSourceCount = 8;
    static readonly TimeSpan HonestPause = TimeSpan.FromSeconds(0.5);

    /// <summary>The goal beside the unattacked p99.</summary>
    const double P99Factor = 5;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = 15;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--seconds" && i + 1 < args.Length && int.TryParse(args[++i], out var s) && s > 0)
                seconds = s;
            else
            {
                Console.Error.WriteLine("attack: unknown argument " + args[i]);
                return 2;
            }
        }
        var duration = TimeSpan.FromSeconds(seconds);
        await using var world = await BenchWorld.CreateAsync(clients: 64, Environment.GetEnvironmentVariable("REPORTING_BENCH_POSTGRES"));
        var envelope = world.Seal(EnvelopeBytes);
        Console.WriteLine($"attack: {HonestSourceCount} honest sources, one {envelope.Length}-byte report each per {HonestPause.TotalSeconds:F1} s, " +
            $"each report on a fresh connection; {seconds} s per phase; difficulty {Difficulty} for everyone; {Environment.ProcessorCount} cores shared by server, sources and attackers" +
            (world.Postgres is null ? "; PostgreSQL skipped (set REPORTING_BENCH_POSTGRES, see README)" : ""));

        var met = true;
        foreach (var postgres in world.Postgres is null ? new[] { false } : [false, true])
            met &= await RunStoreAsync(world, postgres, envelope, duration);
        Console.WriteLine(met ? "attack: every goal met" : "attack: some goal not met (see above)");
        return met ? 0 : 1;
    }

    static async Task<bool> RunStoreAsync(BenchWorld world, bool postgres, byte[] envelope, TimeSpan duration)
    {
        var settings = world.ServerSettings(Path.Combine(world.Folder, postgres ? "postgres" : "sqlite"), postgres);
        // As an operator runs it: the default limits, not the benchmarks' generous ones.
        settings["Reporting:PowDifficulty"] = Difficulty.ToString(CultureInfo.InvariantCulture);
        settings["Reporting:MaxEnvelopeBytes"] = (256L << 20).ToString(CultureInfo.InvariantCulture);
        settings["Reporting:MaxConcurrentUploads"] = "64";
        settings["Reporting:SignedRequestsPerSecond"] = "200";
        await using var server = await ServerProcess.StartAsync(settings);
        var honest = new HonestSources(server.Address, envelope, HonestSourceCount, HonestPause);
        var store = postgres ? "PostgreSQL" : "SQLite";

        // Warm the server and the sources' code.
        await honest.RunAsync(TimeSpan.FromSeconds(5));
        Console.WriteLine();

        Func<Attack>[] attacks =
        [
            () => new JunkSignedReplies(server.Address, world.ReviewerKey.PublicKey.ToString(), connections: 160, bytesPerSecond: 300),
            () => new SlowUploads(server.Address, largestEnvelope: 256L << 20, holders: 32, bytesPerSecond: 256),
            () => new ChallengeFlood(server.Address, connections: 16),
            // The issue's strength (above the old cap of 1024), then four times the old cap, reopened in bursts as the
            // header timeout closes them together.
            () => new IdleConnections(server.Address, connections: 1030),
            () => new IdleConnections(server.Address, connections: 4000),
            () => new MailboxFlood(server.Address, connections: 16),
        ];
        var rows = new List<(Attack Attack, HonestSources.Outcome Baseline, HonestSources.Outcome Outcome)>();
        foreach (var mount in attacks)
        {
            // The same load with no attack just before each attack: other work on a shared machine moves both alike.
            var baseline = await honest.RunAsync(duration);
            Console.WriteLine($"{store}: no attack: {Describe(baseline)}");
            var attack = mount().Start();
            HonestSources.Outcome outcome;
            await using (attack)
            {
                // Under way before the sources start: the attack's own ramp is not what is measured.
                await Task.Delay(TimeSpan.FromSeconds(5));
                outcome = await honest.RunAsync(duration);
                Console.WriteLine($"{store}: {attack.Name} ({attack.Strength}): {Describe(outcome)}; attack: {attack.Describe()}");
            }
            rows.Add((attack, baseline, outcome));
            // Let what the attack left (connections, uploads being cut) go before the next phase.
            await Task.Delay(TimeSpan.FromSeconds(12));
        }

        Console.WriteLine();
        Console.WriteLine($"| {store} | strength | delivered | p50 ms | p99 ms | no attack just before: delivered, p50, p99 ms | p99 ratio | goal |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        var met = true;
        foreach (var (attack, baseline, outcome) in rows)
        {
            var ratio = outcome.P99Ms / baseline.P99Ms;
            var ok = baseline.AllWithinPatience && outcome.AllWithinPatience && ratio <= P99Factor;
            met &= ok;
            Console.WriteLine($"| {attack.Name} | {attack.Strength} | {outcome.Delivered}/{outcome.Attempted} | {outcome.P50Ms:F0} | {outcome.P99Ms:F0} | " +
                $"{baseline.Delivered}/{baseline.Attempted}, {baseline.P50Ms:F0}, {baseline.P99Ms:F0} | {ratio:F1} | {(ok ? "met" : "NOT met")} |");
        }
        return met;
    }

    static string Describe(HonestSources.Outcome outcome) =>
        $"{outcome.Delivered}/{outcome.Attempted} delivered, p50 {outcome.P50Ms:F0} ms, p99 {outcome.P99Ms:F0} ms, worst {outcome.WorstMs:F0} ms" +
        (outcome.Retries.Length > 0 ? $", retried after {outcome.Retries}" : "");
}
