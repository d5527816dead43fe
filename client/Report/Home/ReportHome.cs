using System.Text.Json;
using Reporting.Cli;
using Reporting.Format.IO;
using Reporting.Report.Text;

namespace Reporting.Report.Home;

/// <summary>The folder that holds the client's state: config.json, roster.json and the outbox.
/// It holds public settings and ciphertext only: a seized laptop yields nothing readable.</summary>
sealed class ReportHome
{
    public const string Variable = "REPORT_HOME";

    public string Root { get; }
    public string ConfigPath => Path.Combine(Root, "config.json");
    public string RosterPath => Path.Combine(Root, "roster.json");
    /// <summary>The reviewers' statement that the roster is current, when the roster asks for one.</summary>
    public string FreshnessPath => Path.Combine(Root, "roster.fresh");
    public string OutboxDirectory => Path.Combine(Root, "outbox");

    ReportHome(string root) => Root = root;

    /// <summary>A folder of this name beside the executable makes the tool portable: run from a stick, it
    /// keeps its state on the stick and writes nothing to the computer it runs on.</summary>
    public const string PortableFolder = "report-home";

    /// <summary>report-home/ beside the executable, else --home, else REPORT_HOME, else the user's
    /// application-data folder. The portable folder wins even over --home and REPORT_HOME: a borrowed
    /// computer's settings must not send a stick's state onto that computer.</summary>
    public static ReportHome Locate(string? option)
    {
        var portable = Path.Combine(AppContext.BaseDirectory, PortableFolder);
        if (Directory.Exists(portable))
            return new ReportHome(Path.GetFullPath(portable));
        var root = option;
        if (string.IsNullOrWhiteSpace(root))
            root = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(root))
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify), "report");
        return new ReportHome(Path.GetFullPath(root));
    }

    public void Create()
    {
        CreatePrivateDirectory(Root);
        CreatePrivateDirectory(OutboxDirectory);
    }

    static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(path);
        else
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public ReportConfig? TryLoadConfig()
    {
        if (!File.Exists(ConfigPath))
            return null;
        try
        {
            return JsonSerializer.Deserialize(QuietRead.AllBytes(ConfigPath), HomeJson.Default.ReportConfig)
                ?? throw new JsonException("empty");
        }
        catch (JsonException)
        {
            throw new ToolException(UiText.Format("ConfigBroken", ConfigPath), UiText.Get("HintRunInit"));
        }
    }

    public ReportConfig LoadConfig() =>
        TryLoadConfig() ?? throw new ToolException(UiText.Format("NotInitialised", Root), UiText.Get("HintRunInit"));

    /// <summary>Writes the configuration only when it changed: a rewrite on every run would date this
    /// computer's last use of the tool.</summary>
    public void SaveConfig(ReportConfig config)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(config, HomeJson.Default.ReportConfig);
        if (File.Exists(ConfigPath) && QuietRead.AllBytes(ConfigPath).AsSpan().SequenceEqual(bytes))
            return;
        Create();
        AtomicFile.Write(ConfigPath, bytes, replace: true);
    }
}
