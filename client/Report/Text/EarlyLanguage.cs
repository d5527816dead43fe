using Reporting.Cli;
using Reporting.Report.Home;

namespace Reporting.Report.Text;

/// <summary>The language chosen before the commands are built, so that their help texts are in it too:
/// --language, else the configuration, else the system's (the same order <c>CommonOptions.Start</c> applies).</summary>
static class EarlyLanguage
{
    public static void Apply(IReadOnlyList<string> args)
    {
        var option = ValueOf(args, "--language");
        string? configured = null;
        try
        {
            configured = ReportHome.Locate(ValueOf(args, "--home")).TryLoadConfig()?.Language;
        }
        catch (ToolException)
        {
            // A damaged configuration is reported by the command itself, in the language chosen without it.
        }
        UiText.Use(UiText.Choose(UiText.Normalise(option), configured));
    }

    /// <summary>"--name VALUE" or "--name=VALUE"; null when absent.</summary>
    static string? ValueOf(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == name && i + 1 < args.Count)
                return args[i + 1];
            if (args[i].StartsWith(name + "=", StringComparison.Ordinal))
                return args[i][(name.Length + 1)..];
        }
        return null;
    }
}
