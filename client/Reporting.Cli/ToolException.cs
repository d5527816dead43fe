namespace Reporting.Cli;

/// <summary>A failure the user can act on: printed as <c>tool: error: …</c> and <c>tool: hint: …</c>, exit 1.</summary>
public sealed class ToolException(string message, params string[] hints) : Exception(message)
{
    public IReadOnlyList<string> Hints { get; } = hints;
}
