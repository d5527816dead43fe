// Benchmarks: each prints what it measured beside its baseline, measured in the same run.
switch (args.FirstOrDefault())
{
    case "ingest":
        return await Reporting.Benchmarks.IngestBenchmark.RunAsync();
    default:
        Console.WriteLine("usage: dotnet run -c Release --project tests/Reporting.Benchmarks -- <benchmark>");
        Console.WriteLine("benchmarks: ingest");
        return 2;
}
