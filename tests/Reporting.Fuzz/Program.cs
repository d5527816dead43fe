using Reporting.Fuzz;
using SharpFuzz;

// Reporting.Fuzz TARGET            run under afl-fuzz (fuzz.sh does the set-up)
// Reporting.Fuzz seeds DIR         write the seed corpora to DIR/TARGET/
// Reporting.Fuzz replay TARGET F…  run files through a target once each and say what happened
var targets = string.Join(", ", FuzzTarget.All.Select(t => t.Name));
switch (args)
{
    case ["seeds", var dir]:
        foreach (var (target, name, bytes) in Seeds.All())
        {
            Directory.CreateDirectory(Path.Combine(dir, target));
            File.WriteAllBytes(Path.Combine(dir, target, "seed-" + name), bytes);
        }
        return 0;
    case ["replay", var name, .. var files] when FuzzTarget.Find(name) is { } target:
        var failures = 0;
        foreach (var file in files)
        {
            try
            {
                Console.WriteLine($"{(target.Run(File.ReadAllBytes(file)) ? "accepted" : "refused "),-8} {file}");
            }
            catch (Exception e)
            {
                failures++;
                Console.WriteLine($"FINDING  {file}: {e}");
            }
        }
        return failures == 0 ? 0 : 1;
    case [var name] when FuzzTarget.Find(name) is { } target:
        // Persistent mode in a child process: thousands of inputs per process start, and a crash that
        // kills the runtime (stack overflow) is still reported to afl-fuzz rather than hanging it.
        Fuzzer.OutOfProcess.Run(stream =>
        {
            var input = new MemoryStream();
            stream.CopyTo(input);
            _ = target.Run(input.ToArray());
        });
        return 0;
    default:
        Console.Error.WriteLine($"usage: Reporting.Fuzz TARGET | seeds DIR | replay TARGET FILE...  (targets: {targets})");
        return 2;
}
