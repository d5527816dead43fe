// Benchmarks: each prints what it measured beside its baseline, measured in the same run.
using Reporting.Benchmarks;

return args.FirstOrDefault() switch
{
    "age" => AgeBenchmark.Run(args[1..]),
    // Internal: the child processes the age benchmark measures.
    "age-seal" or "age-open" => AgeBenchmark.Child(args[0], args[1..]),
    "ingest" => await IngestBenchmark.RunAsync(),
    _ => Usage(),
};

static int Usage()
{
    Console.WriteLine("usage: dotnet run -c Release --project tests/Reporting.Benchmarks -- <benchmark>");
    Console.WriteLine("  age [--size-mib N] [--runs R] [--dir DIR]   seal/open N MiB (default 1024) beside /usr/bin/age");
    Console.WriteLine("  ingest                                      64 KiB submissions from 32 clients beside a bare Kestrel endpoint; 1 GiB upload memory");
    return 2;
}
