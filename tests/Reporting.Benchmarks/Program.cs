// Benchmarks: each prints what it measured beside its baseline, measured in the same run.
Console.WriteLine("usage: dotnet run -c Release --project tests/Reporting.Benchmarks -- <benchmark>");
return 2;
