using System.CommandLine;

namespace Reporting.Cli;

/// <summary>Runs a tool's root command and turns failures into age-style messages, never a stack trace.</summary>
public static class ToolRunner
{
    public static int Run(string tool, RootCommand root, string[] args)
    {
        try
        {
            return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (ToolException e)
        {
            return Fail(tool, e.Message, e.Hints);
        }
        catch (OperationCanceledException)
        {
            return Fail(tool, "interrupted", []);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(tool, e.Message, ["check the path and its permissions"]);
        }
        catch (Exception e)
        {
            // A bug of ours: still no stack trace in front of the user, but enough to report it.
            return Fail(tool, $"unexpected failure ({e.GetType().Name}): {e.Message}", ["nothing was sent or deleted by this failure; please report it"]);
        }
    }

    public static int Fail(string tool, string message, IReadOnlyList<string> hints)
    {
        Console.Error.WriteLine($"{tool}: error: {message}");
        foreach (var hint in hints)
            Console.Error.WriteLine($"{tool}: hint: {hint}");
        return 1;
    }
}
