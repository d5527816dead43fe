using System.Diagnostics;

namespace Reporting.Server.Tests.Http;

/// <summary>The built server run as an operator runs it (a start that fails, <c>--version</c>, <c>backup</c>,
/// <c>restore</c>), until it exits; settings come through the environment.</summary>
public static class ServerCommand
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <param name="unprivileged">When the tests run as root, the command runs as root without the
    /// privileges an operator's service user lacks (binding ports below 1024, reading any file), so their
    /// absence can be tested.</param>
    public static Result Run(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, bool unprivileged = false)
    {
        var asRoot = unprivileged && Environment.UserName == "root";
        var start = new ProcessStartInfo(asRoot ? "setpriv" : "dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        if (asRoot)
            foreach (var argument in new[] { "--bounding-set", "-net_bind_service,-dac_override,-dac_read_search", "dotnet" })
                start.ArgumentList.Add(argument);
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Reporting.Server.dll"));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
            start.Environment[key.Replace(":", "__")] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(120_000))
            process.Kill(entireProcessTree: true);
        process.WaitForExit();
        return new Result(process.ExitCode, stdout.Result, stderr);
    }
}
