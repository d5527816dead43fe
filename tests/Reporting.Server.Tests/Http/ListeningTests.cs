using System.Net;
using System.Net.Sockets;

namespace Reporting.Server.Tests.Http;

/// <summary>Where the server listens, and what it says when it cannot: one error line naming the address and
/// a hint, exit status 1, no stack trace and no word from background jobs that never ran.</summary>
public sealed class ListeningTests : IDisposable
{
    readonly TestWorld _world = new();

    public void Dispose() => _world.Dispose();

    static void AssertOperatorError(ServerProcess.Result result, string error)
    {
        Assert.True(result.ExitCode == 1, $"exit code {result.ExitCode}:\n{result.Stdout}\n{result.Stderr}");
        Assert.StartsWith($"reporting-server: error: {error}", result.Stderr);
        // The error, and a hint unless the error itself says what to do.
        var lines = result.Stderr.TrimEnd().Split('\n');
        Assert.True(lines.Length == 1 || (lines.Length == 2 && lines[1].StartsWith("reporting-server: hint: ", StringComparison.Ordinal)), result.Stderr);
        var everything = result.Stdout + result.Stderr;
        Assert.DoesNotContain("   at ", everything);
        Assert.DoesNotContain("crit:", everything);
        Assert.DoesNotContain("fail:", everything);
    }

    [Fact]
    public void Start_OnAPortInUse_NamesTheAddress_AndExits1()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";

        var result = ServerProcess.RunToExit(["--urls", url], _world.Settings());

        AssertOperatorError(result, $"cannot listen on {url}: the address is already in use.");
        Assert.Contains("reporting-server: hint: another program", result.Stderr);
    }

    [Fact]
    public void Start_OnAPrivilegedPort_WithoutThePrivilege_SaysPermissionDenied_AndExits1()
    {
        var result = ServerProcess.RunToExit(["--urls", "http://127.0.0.1:80"], _world.Settings(), unprivileged: true);

        AssertOperatorError(result, "cannot listen on http://127.0.0.1:80: permission denied.");
    }

    [Fact]
    public void Start_WithARosterItsUserCannotRead_NamesTheFile_AndExits1()
    {
        if (!OperatingSystem.IsLinux())
            return;
        File.SetUnixFileMode(_world.RosterFile, UnixFileMode.None);

        var result = ServerProcess.RunToExit(["--urls", "http://127.0.0.1:0"], _world.Settings(), unprivileged: true);

        AssertOperatorError(result, $"Reporting:RosterFile '{_world.RosterFile}' cannot be read (permission denied)");
    }

    [Fact]
    public async Task Listening_OnANonLoopbackAddress_WarnsWhyLoopbackIsExpected()
    {
        await using var server = await RunningServer.StartAsync(_world, settings => settings["urls"] = "http://0.0.0.0:0");

        var warning = Assert.Single(server.Logs.Lines, line => line.Contains("which is not a loopback address"));
        Assert.StartsWith("Warning", warning);
        Assert.Contains("http://0.0.0.0:", warning);
        Assert.Contains("behind a Tor onion service or a reverse proxy", warning);
    }

    [Fact]
    public async Task Listening_OnLoopback_WarnsOfNothing()
    {
        await using var server = await RunningServer.StartAsync(_world);

        Assert.DoesNotContain(server.Logs.Lines, line => line.StartsWith("Warning", StringComparison.Ordinal) || line.StartsWith("Error", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://127.0.0.2:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://unix:/run/reporting.sock", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://192.0.2.7:5080", false)]
    public void IsLoopback_HoldsForLoopbackAddressesOnly(string address, bool loopback) =>
        Assert.Equal(loopback, ListenAddresses.IsLoopback(address));
}
