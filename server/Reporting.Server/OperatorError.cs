namespace Reporting.Server;

/// <summary>Something the operator must fix, with what to do: Program.cs says it in the tools' form
/// (<c>reporting-server: error: …</c>, then <c>reporting-server: hint: …</c>) and exits with status 1.</summary>
public sealed class OperatorError(string error, string? hint = null) : Exception(error)
{
    public string? Hint { get; } = hint;
}
