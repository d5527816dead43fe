using Xunit;

namespace Reporting.Client.Tests.Infrastructure;

/// <summary>A source's computer: a temporary --home for the real <c>report</c> tool. After every command it
/// checks that none of the registered canaries (plaintext markers) is anywhere under that home.</summary>
public sealed class SourceMachine : IDisposable
{
    readonly TempFolder folder = new();
    readonly List<string> canaries = [];

    public string Home => folder["home"];
    public TempFolder Files => folder;

    /// <summary>A new canary that every later command checks for.</summary>
    public string Canary(string label = "canary")
    {
        var canary = Infrastructure.Canary.New(label);
        canaries.Add(canary);
        return canary;
    }

    public ToolResult Report(params string[] args) => Run(args);

    public ToolResult Run(IEnumerable<string> args, string? stdin = null, TimeSpan? timeout = null)
    {
        var result = Tool.Run("report", ["--home", Home, .. args], stdin, timeout: timeout ?? TimeSpan.FromMinutes(3));
        AssertNoPlaintext();
        return result;
    }

    public void AssertNoPlaintext() => Infrastructure.Canary.AssertAbsent(Home, [.. canaries]);

    /// <summary><c>report init</c> against <paramref name="server"/> (or another URL, e.g. a proxy in front of it).</summary>
    public ToolResult Init(ServerFixture server, Uri? url = null, params string[] more)
    {
        string[] language = more.Contains("--language") ? [] : ["--language", "en"];
        var result = Report(["init", "--server", (url ?? server.Url).ToString(), "--org-key", server.OrganisationKey, .. language, .. more]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    /// <summary>Writes a report text containing a fresh canary; returns the file and the canary.</summary>
    public (string Path, string Canary) TextFile(string text = "The clinic in the county refused to see a sick woman without papers.")
    {
        var canary = Canary();
        return (folder.Write($"text-{Guid.NewGuid():N}.txt", $"{text}\n{canary}\n"), canary);
    }

    /// <summary>The codename from submit's output (the line under "codename:").</summary>
    public static string? CodenameOf(ToolResult result)
    {
        var lines = result.Stdout.Split('\n');
        var at = Array.FindIndex(lines, l => l.TrimEnd() == "codename:");
        return at >= 0 && at + 1 < lines.Length ? lines[at + 1].Trim() : null;
    }

    public static string? IdOf(ToolResult result) =>
        result.Stdout.Split('\n').FirstOrDefault(l => l.StartsWith("id: ", StringComparison.Ordinal))?[4..].Trim();

    public void Dispose() => folder.Dispose();
}
