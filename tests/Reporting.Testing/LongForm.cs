namespace Reporting.Testing;

/// <summary>The size of a scenario: its short form in CI, or a larger one set in the environment for a long run.</summary>
public static class LongForm
{
    public static int Setting(string variable, int shortForm) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var value) && value > 0 ? value : shortForm;
}
