using System.Text;
using Reporting.Client.Tests.Infrastructure;
using Reporting.Format.Age;
using Reporting.Format.Keys;
using Xunit;

namespace Reporting.Client.Tests;

/// <summary>New passphrases of the reviewers' keys (docs/DESIGN.md D4): two for <c>review keygen</c>, one
/// for the identity and another for the access key, and none weak: refused at the prompt with a hint,
/// a warning when it comes from a file.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PassphraseTests : IDisposable
{
    const string IdentityPassphrase = "tundra lantern orbit velvet";
    const string AccessPassphrase = "pepper glacier mosaic anchor";
    readonly TempFolder dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Keygen_AtThePrompt_RefusesAWeakPassphraseAndTheIdentitysForTheAccessKey_ThenSealsEachWithItsOwn()
    {
        using (var pty = new Pty("review", ["keygen", "--name", "alice", "--out", dir["keys"]]))
        {
            pty.Expect("Passphrase for alice.identity");
            pty.SendLine("alice2024");
            pty.Expect("that passphrase is too weak for alice.identity");
            pty.Expect("review: hint:");
            pty.Expect("Passphrase for alice.identity");
            pty.SendLine(IdentityPassphrase);
            pty.Expect("Confirm passphrase");
            pty.SendLine(IdentityPassphrase);
            pty.Expect("Passphrase for alice.access");
            pty.SendLine(IdentityPassphrase);
            pty.Expect("is the same as the identity's");
            pty.Expect("Passphrase for alice.access");
            pty.SendLine(AccessPassphrase);
            pty.Expect("Confirm passphrase");
            pty.SendLine(AccessPassphrase);
            Assert.True(pty.WaitForExit() == 0, pty.Screen);
        }

        var identity = File.ReadAllBytes(dir["keys/alice.identity"]);
        Assert.Single(IdentityFile.Open(identity, Encoding.UTF8.GetBytes(IdentityPassphrase)));
        Assert.Throws<AgeException>(() => IdentityFile.Open(identity, Encoding.UTF8.GetBytes(AccessPassphrase)));
        using (KeyFile.ReadSigningKey(dir["keys/alice.access"], Encoding.UTF8.GetBytes(AccessPassphrase), SigningKeyKind.Access)) { }
        Assert.Throws<AgeException>(() => KeyFile.ReadSigningKey(dir["keys/alice.access"], Encoding.UTF8.GetBytes(IdentityPassphrase), SigningKeyKind.Access));
    }

    [Fact]
    public void AWeakPassphraseAtThePrompt_ThreeTimes_EndsTheCommand_AndNothingIsWritten()
    {
        using var pty = new Pty("review", ["org", "init", "--out", dir["org.key"]]);
        foreach (var weak in new[] { "x", "password1", "qwertyuiop" })
        {
            pty.Expect("Passphrase for the organisation key");
            pty.SendLine(weak);
        }
        pty.Expect("review: error: the passphrase is too weak for the organisation key");

        Assert.Equal(1, pty.WaitForExit());
        Assert.False(File.Exists(dir["org.key"]));
    }

    [Fact]
    public void AWeakPassphraseFile_IsTakenWithAWarning_SoScriptsKeepWorking()
    {
        var weak = dir.Write("weak", "a\n");

        var result = Tool.Review("org", "init", "--out", dir["org.key"], "--passphrase-file", weak);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"review: warning: the passphrase in {weak} is too weak for the organisation key", result.Stderr);
        Assert.Contains("review: hint: use four or more words", result.Stderr);
    }

    [Fact]
    public void AWrongPassphraseAtThePrompt_IsAskedAgain_UpToThreeTimes()
    {
        var passFile = dir.Write("pass", IdentityPassphrase + "\n");
        Assert.Equal(0, Tool.Review("keygen", "--name", "alice", "--out", dir["keys"], "--passphrase-file", passFile,
            "--access-passphrase-file", dir.Write("access", AccessPassphrase + "\n")).ExitCode);
        var recipient = IdentityFile.Open(File.ReadAllBytes(dir["keys/alice.identity"]), Encoding.UTF8.GetBytes(IdentityPassphrase))[0].Recipient.ToString()!;
        File.WriteAllText(dir["plain.txt"], "hello after a slip\n");
        Assert.Equal(0, Tool.Report("seal", "-r", recipient, "-o", dir["sealed.age"], dir["plain.txt"]).ExitCode);

        using (var pty = new Pty("review", ["open", "--identity", dir["keys/alice.identity"], dir["sealed.age"]]))
        {
            pty.Expect("Passphrase for alice.identity");
            pty.SendLine("tundra lantern orbit velvte");
            pty.Expect("wrong passphrase; try again (2 more)");
            pty.Expect("Passphrase for alice.identity");
            pty.SendLine(IdentityPassphrase);
            pty.Expect("hello after a slip");
            Assert.True(pty.WaitForExit() == 0, pty.Screen);
        }

        using var wrong = new Pty("review", ["open", "--identity", dir["keys/alice.identity"], dir["sealed.age"]]);
        foreach (var slip in new[] { "one", "two", "three" })
        {
            wrong.Expect("Passphrase for alice.identity");
            wrong.SendLine(slip);
        }
        wrong.Expect("review: error: wrong passphrase for alice.identity");
        Assert.Equal(1, wrong.WaitForExit());
    }
}
