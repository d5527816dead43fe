using System.Diagnostics;

namespace Reporting.Client.Tests.Infrastructure;

/// <summary>Headless Chromium (Debian's chromium, which test.sh installs), to see a page as a browser parses and
/// draws it: the DOM it builds, and a screenshot.</summary>
public static class Chromium
{
    /// <summary>The DOM Chromium built from <paramref name="page"/>, serialised.</summary>
    public static string DumpDom(string page) => Run(page, "--dump-dom");

    /// <summary>Draws <paramref name="page"/> into a PNG at <paramref name="png"/>.</summary>
    public static void Screenshot(string page, string png, int width = 1400, int height = 2400) =>
        Run(page, $"--screenshot={png}", $"--window-size={width},{height}", "--hide-scrollbars");

    static string Run(string page, params string[] arguments)
    {
        using var profile = new TempFolder();
        var start = new ProcessStartInfo("chromium")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // --no-sandbox: the tests run as root, where Chromium's sandbox refuses to start; the pages are our own files.
        foreach (var argument in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", $"--user-data-dir={profile.Path}", .. arguments, new Uri(page).AbsoluteUri])
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("chromium did not finish in a minute");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"chromium exited with {process.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }
}
