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
        using var dir = new TempFolder();

        var result = Tool.Review("fetch", "--server", "http://reports.example.org/", "--access-key", dir["none.access"], "--out", dir["inbox"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("review: error: reports.example.org must be reached over https", result.Stderr);
        Assert.False(Directory.Exists(dir["inbox"]));
    }
}

/// <summary>What <c>review open</c> prints when its output is a person's terminal.</summary>
public sealed class OpenOnTerminalTests
{
    [Fact]
    public void Open_ToATerminal_ShowsTextWithEscapesMadeVisible()
    {
        using var dir = new TempFolder();
        using var identity = Reporting.Format.Age.X25519Identity.Generate();
        var identityFile = dir.Write("id.txt", identity.Export() + "\n");
        File.WriteAllText(dir["plain.txt"], "hello \u001b]0;owned\u0007 world\n");
        Assert.Equal(0, Tool.Report("seal", "-r", identity.Recipient.ToString(), "-o", dir["sealed.age"], dir["plain.txt"]).ExitCode);

        using var terminal = new Pty("review", ["open", "--identity", identityFile, dir["sealed.age"]]);
        terminal.Expect("world");
        var exit = terminal.WaitForExit();

        Assert.Equal(0, exit);
        Assert.Contains("hello \\u{1B}]0;owned\\u{7} world", terminal.Screen);
        // (The runtime itself sends the terminal a few control sequences; the file's own must not get through.)
        Assert.DoesNotContain("\u001b]0;owned", terminal.Screen, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // -o /dev/tty: a terminal named by its path is still a terminal
    public void Open_OfBinaryToATerminal_IsRefused_WithAHint(bool namedByPath)
    {
        using var dir = new TempFolder();
        using var identity = Reporting.Format.Age.X25519Identity.Generate();
        var identityFile = dir.Write("id.txt", identity.Export() + "\n");
        File.WriteAllBytes(dir["plain.bin"], [0xff, 0xfe, 0x00, 0x1b, 0x5b]);
        Assert.Equal(0, Tool.Report("seal", "-r", identity.Recipient.ToString(), "-o", dir["sealed.age"], dir["plain.bin"]).ExitCode);

        string[] output = namedByPath ? ["-o", "/dev/tty"] : [];
        using var terminal = new Pty("review", ["open", "--identity", identityFile, .. output, dir["sealed.age"]]);
        terminal.Expect("-o FILE");
        var exit = terminal.WaitForExit();

        Assert.Equal(1, exit);
        Assert.Contains("review: error: the plaintext is not text", terminal.Screen);
    }
}
