using System.CommandLine;

namespace Reporting.Cli;

/// <summary>The words before a failure's message and its hints, in the tool's language.</summary>
public sealed record FailureLabels(string Error, string Hint)
{
    public static readonly FailureLabels English = new("error", "hint");
}

/// <summary>Runs a tool's root command and turns failures into age-style messages, never a stack trace.</summary>
public static class ToolRunner
{
    /// <param name="labels">Asked when a failure is printed (the language may be chosen by then); English when null.</param>
    public static int Run(string tool, RootCommand root, string[] args, Func<FailureLabels>? labels = null)
    {
        try
        {
            return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (ToolException e)
        {
            return Fail(tool, e.Message, e.Hints, labels?.Invoke());
        }
        catch (OperationCanceledException)
        {
            return Fail(tool, "interrupted", [], labels?.Invoke());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(tool, e.Message, ["check the path and its permissions"], labels?.Invoke());
        }
        catch (Exception e)
        {
            // A bug of ours: still no stack trace in front of the user, but enough to report it.
            return Fail(tool, $"unexpected failure ({e.GetType().Name}): {e.Message}", ["nothing was sent or deleted by this failure; please report it"], labels?.Invoke());
        }
    }

    public static int Fail(string tool, string message, IReadOnlyList<string> hints, FailureLabels? labels = null)
    {
        labels ??= FailureLabels.English;
        Console.Error.WriteLine($"{tool}: {labels.Error}: {message}");
        foreach (var hint in hints)
            Console.Error.WriteLine($"{tool}: {labels.Hint}: {hint}");
        return 1;
    }
}
