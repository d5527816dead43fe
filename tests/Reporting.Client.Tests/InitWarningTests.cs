using Reporting.Client.Tests.Infrastructure;
using Xunit;

namespace Reporting.Client.Tests;

/// <summary>Before anything goes over the network, report init says what a direct connection shows and how Tor hides it.</summary>
public sealed class InitWarningTests
{
    [Theory]
    [InlineData("en", "sees that this computer connects to reporting.invalid", "Snowflake")]
    [InlineData("ko", "이 컴퓨터가 reporting.invalid 에 언제 연결하는지", "Snowflake")]
    [InlineData("zh", "能看到这台电脑在什么时候连接 reporting.invalid", "网桥")]
    public void Init_WithoutProxyToARemoteServer_WarnsAndShowsTor(string language, string warning, string bridges)
    {
        using var source = new SourceMachine();
        using var organisation = Reporting.Format.Keys.SigningKey.Generate(Reporting.Format.Keys.SigningKeyKind.Organisation);

        var result = source.Report("init", "--server", "https://reporting.invalid/", "--org-key", organisation.PublicKey.ToString(),
            "--language", language, "--attempts", "1", "--timeout", "5");

        Assert.Equal(1, result.ExitCode);
        var firstLines = result.Stderr.Split('\n').Take(3).ToList();
        Assert.Contains(warning, firstLines[0]);
        Assert.Contains("socks5://127.0.0.1:9150", firstLines[1]);
        Assert.Contains(bridges, firstLines[2]);
        Assert.Contains("obfs4", firstLines[2]);
        Assert.Contains("WebTunnel", firstLines[2]);
    }

    [Fact]
    public void Init_ThroughAProxyOrToThisComputer_DoesNotWarn()
    {
        using var server = ServerFixture.Start();
        using var source = new SourceMachine();

        var result = source.Init(server);

        Assert.DoesNotContain("warning", result.Stderr);
    }
}
