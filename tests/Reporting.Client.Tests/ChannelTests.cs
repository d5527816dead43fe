using Reporting.Client.Tests.Infrastructure;
using Reporting.Format.Keys;
using Xunit;

namespace Reporting.Client.Tests;

/// <summary>Which channels the tools accept before anything is sent (D11).</summary>
public sealed class ChannelTests
{
    [Fact]
    public void Init_OverPlainHttpToAnotherHost_IsRefused_BecauseAnyoneOnThePathCouldFakeTheServer()
    {
        using var source = new SourceMachine();
        using var organisation = SigningKey.Generate(SigningKeyKind.Organisation);

        var result = source.Report("init", "--server", "http://reports.example.org/", "--org-key", organisation.PublicKey.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("report: error: reports.example.org must be reached over https", result.Stderr);
        Assert.Contains("report: hint: ", result.Stderr);
    }

    [Fact]
    public void Init_OnionNameWithATrailingDot_WithoutProxy_IsRefused()
    {
        using var source = new SourceMachine();
        using var organisation = SigningKey.Generate(SigningKeyKind.Organisation);

        var result = source.Report("init", "--server", "http://abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuv.onion./", "--org-key", organisation.PublicKey.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("can only be reached through Tor", result.Stderr);
    }

    [Fact]
    public void Fetch_OverPlainHttpToAnotherHost_IsRefused_BeforeAnyKeyIsUnlocked()
    {
        using var dir = new TempDir();

        var result = Tool.Review("fetch", "--server", "http://reports.example.org/", "--access-key", dir["none.access"], "--out", dir["inbox"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("review: error: reports.example.org must be reached over https", result.Stderr);
        Assert.False(Directory.Exists(dir["inbox"]));
    }
}
