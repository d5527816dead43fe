// Benchmarks: each prints what it measured beside its baseline, measured in the same run.
using Reporting.Benchmarks;

return args.FirstOrDefault() switch
{
    "age" => AgeBenchmark.Run(args[1..]),
    "ingest" => await IngestBenchmark.RunAsync(),
    "soak" => await SoakBenchmark.RunAsync(args[1..]),
    "release" => ReleaseBenchmark.Run(args[1..]),
    "attack" => await AttackBenchmark.RunAsync(args[1..]),
    "pq" => await HybridSubmitBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.WriteLine("usage: dotnet run -c Release --project tests/Reporting.Benchmarks -- <benchmark>");
    Console.WriteLine("  age [--size-mib N] [--runs R] [--dir DIR]... [--tools DIR] [--no-build]");
    Console.WriteLine("      report seal / review open of N MiB (default 768) as whole processes beside /usr/bin/age, R runs (default 7),");
    Console.WriteLine("      and ours to a post-quantum hybrid recipient (pq) beside ours to an X25519 one;");
    Console.WriteLine("      in each DIR (default: the temporary folder, then /dev/shm); --tools: where report and review are (default: their Release build)");
    Console.WriteLine("  ingest   64 KiB submissions from 32 clients beside a bare Kestrel endpoint; 1 GiB upload memory");
    Console.WriteLine("  soak [--minutes N] [--store sqlite|postgres] [--window-seconds S] [--warmup-seconds W] [--keep K] [--rate R]");
    Console.WriteLine("      the ingest load for N minutes (default 5) against the server as a process, the oldest report deleted beyond K");
    Console.WriteLine("      (default 1000); memory, open files, threads, latency and data size per window of S s (default 30), start beside end,");
    Console.WriteLine("      then a search of data and log for the plaintext canary and the clients' address; --rate: submissions/s (default: as fast as answered)");
    Console.WriteLine("  release [--dist DIR] [--runs R] [--size-mib N]");
    Console.WriteLine("      each archive's size; the released linux-x64 report --version start-up (hyperfine); then the age benchmark");
    Console.WriteLine("      on the released executables (R runs, default 5); DIR: a dist/ from release.sh (default: ./release.sh --platform linux-x64)");
    Console.WriteLine("  attack [--seconds N]");
    Console.WriteLine("      each cheap attack of the threat model at a stated strength while honest sources submit 64 KiB reports, N s each");
    Console.WriteLine("      (default 15), beside the same load with no attack just before: delivered/attempted, p50/p99; PostgreSQL too with REPORTING_BENCH_POSTGRES");
    Console.WriteLine("  pq [--runs R] [--reviewers N]");
    Console.WriteLine("      report submit to N (default 5) post-quantum hybrid reviewers beside N classic ones: CPU time, envelope and header size;");
    Console.WriteLine("      then one stanza's wrap and unwrap in process, classic beside hybrid");
    return 2;
}
