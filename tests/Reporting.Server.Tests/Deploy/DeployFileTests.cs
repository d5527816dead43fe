using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Reporting.Server.Tests.Deploy;

/// <summary>The files server/deploy ships, checked by the tools that will read them: the systemd unit by
/// systemd-analyze (its verifier, and its sandbox exposure score, which must not grow), the torrc lines by
/// Tor's own parser.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DeployFileTests : IDisposable
{
    /// <summary>The unit's exposure as `systemd-analyze security --offline=yes` scores it (0 = fully
    /// sandboxed, 10 = not at all; systemd calls up to 1.9 "SAFE" and up to 4.9 "OK"). What is left: the
    /// network (it must listen), AF_UNIX (PostgreSQL's socket), write-execute memory (the JIT), the host's
    /// root directory, the clock device that ProtectClock allows to be read.</summary>
    const double Exposure = 0.9;

    static readonly string Unit = Path.Combine(AppContext.BaseDirectory, "Deploy", "reporting-server.service");

    readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    static (int ExitCode, string Output) Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["SYSTEMD_COLORS"] = "0";
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout.Result + stderr);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Fail($"{tool} is not installed: ./test.sh installs it (Debian: {(tool == "tor" ? "tor" : "systemd")})");
            throw;
        }
    }

    [Fact]
    public void Unit_PassesSystemdAnalyzeVerify_WithoutAWord()
    {
        // A root of its own: the unit where systemd looks for it, its executable, and the units it names.
        var root = _folder.Path;
        var units = Directory.CreateDirectory(Path.Combine(root, "etc/systemd/system")).FullName;
        File.Copy(Unit, Path.Combine(units, "reporting-server.service"));
        var system = Directory.CreateDirectory(Path.Combine(root, "usr/lib/systemd/system")).FullName;
        foreach (var target in Directory.EnumerateFiles("/lib/systemd/system", "*.target"))
            File.Copy(target, Path.Combine(system, Path.GetFileName(target)));
        var executable = Path.Combine(Directory.CreateDirectory(Path.Combine(root, "opt/reporting-server")).FullName, "Reporting.Server");
        File.WriteAllText(executable, "#!/bin/sh\n");
        File.SetUnixFileMode(executable, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var (exitCode, output) = Run("systemd-analyze", "verify", $"--root={root}", "reporting-server.service");

        // verify exits 0 for unknown keys and bad values too, and says so: any word is a fault.
        Assert.True(exitCode == 0 && output.Trim().Length == 0, output);
    }

    [Fact]
    public void Unit_ExposureScore_DoesNotGrow()
    {
        var (_, output) = Run("systemd-analyze", "security", "--offline=yes", Unit);

        var overall = Regex.Match(output, @"Overall exposure level for reporting-server\.service: (\d+\.\d)");
        Assert.True(overall.Success, output);
        var score = double.Parse(overall.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(score <= Exposure, $"exposure {score} > {Exposure}:\n{output}");
    }

    [Fact]
    public void Torrc_IsAcceptedByTor_WithProofOfWorkAndStreamLimits()
    {
        var torrc = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Deploy", "torrc.example"));
        Assert.Contains("HiddenServicePoWDefensesEnabled 1", torrc);
        Assert.Matches(@"(?m)^HiddenServiceMaxStreams [1-9]\d*$", torrc);
        Assert.Contains("HiddenServiceMaxStreamsCloseCircuit 1", torrc);
        // Tor wants its folders private and its own; the snippet otherwise as shipped.
        var folder = Directory.CreateDirectory(_folder["tor"]).FullName;
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var config = Path.Combine(folder, "torrc");
        File.WriteAllText(config, torrc.Replace("/var/lib/tor/reporting/", Path.Combine(folder, "hs") + "/") + $"DataDirectory {folder}/data\nSocksPort 0\n");

        var (exitCode, output) = Run("tor", "--verify-config", "-f", config);

        Assert.True(exitCode == 0 && output.Contains("Configuration was valid"), output);
    }
}
