using System.Diagnostics;

namespace Reporting.Client.Tests.Infrastructure;

public sealed record ToolResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the real built <c>report</c> and <c>review</c> tools (copied beside this test assembly)
/// as child processes, the way a user would.</summary>
public static class Tool
{
    public static ToolResult Report(params string[] args) => Run("report", args);
    public static ToolResult Review(params string[] args) => Run("review", args);

    public static ToolResult Run(string tool, IEnumerable<string> args, string? stdin = null,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null) =>
        RunExecutable(Path.Combine(AppContext.BaseDirectory, tool), args, stdin, environment, timeout);

    /// <param name="bare">Start from an empty environment (only <paramref name="environment"/>), as on a machine
    /// where nothing is installed: no dotnet on PATH, no DOTNET_ variables.</param>
    public static ToolResult RunExecutable(string executable, IEnumerable<string> args, string? stdin = null,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null, bool bare = false)
    {
        var tool = Path.GetFileName(executable);
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        // A test never inherits the developer's own report home.
        start.Environment.Remove("REPORT_HOME");
        if (bare)
            start.Environment.Clear();
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
            process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', args)} did not finish in time");
        }
        return new ToolResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
