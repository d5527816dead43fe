using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Reporting.Format.Age;
using Xunit;

namespace Reporting.Format.Tests.Age;

/// <summary>Interop with the real age binary (/usr/bin/age), both ways, keys and passphrases.</summary>
public sealed class AgeInteropTests : IDisposable
{
    private const string AgeBinary = "/usr/bin/age";
    private readonly string dir = Directory.CreateTempSubdirectory("age-interop-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static byte[] RandomBytes(int n) => RandomNumberGenerator.GetBytes(n);

    [Theory]
    [InlineData(0, false)]
    [InlineData(65536, false)]
    [InlineData(200_000, true)]
    public void StockAgeOpens_WhatWeSealToItsKey(int size, bool armor)
    {
        using var identity = X25519Identity.Generate();
        string identityPath = Path.Combine(dir, "id.txt");
        File.WriteAllText(identityPath, identity.Export() + "\n");
        byte[] plaintext = RandomBytes(size);
        string sealedPath = Path.Combine(dir, "in.age");
        using (var output = File.Create(sealedPath))
        using (var writer = AgeFile.Seal(output, [identity.Recipient, X25519Identity.Generate().Recipient], armor))
            writer.Write(plaintext);

        // age creates -o lazily (not at all for an empty payload): read its standard output instead.
        Assert.Equal(plaintext, Run(AgeBinary, "-d", "-i", identityPath, sealedPath));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WeOpen_WhatStockAgeSealsToOurKey(bool armor)
    {
        using var identity = X25519Identity.Generate();
        byte[] plaintext = RandomBytes(300_000);
        string plainPath = Path.Combine(dir, "plain");
        File.WriteAllBytes(plainPath, plaintext);
        string sealedPath = Path.Combine(dir, "in.age");
        var args = new List<string> { "-r", identity.Recipient.ToString(), "-r", X25519Identity.Generate().Recipient.ToString(), "-o", sealedPath };
        if (armor) args.Add("-a");
        args.Add(plainPath);
        Run(AgeBinary, [.. args]);

        using var input = File.OpenRead(sealedPath);
        using var reader = AgeFile.Open(input, [identity]);
        var opened = new MemoryStream();
        reader.CopyTo(opened);
        Assert.Equal(plaintext, opened.ToArray());
    }

    /// <summary>Stock age reads passphrases only from a terminal: script(1) gives it one.</summary>
    private void RunWithPassphrase(string ageArguments, string passphrase, int times)
    {
        string answers = string.Concat(Enumerable.Repeat($"sleep 1; printf '%s\\n' '{passphrase}'; ", times));
        Run("/bin/sh", "-c", $"({answers}sleep 1) | script -qfc \"{AgeBinary} {ageArguments}\" /dev/null");
    }

    [Fact]
    public void StockAgeOpens_WhatWeSealWithAPassphrase()
    {
        byte[] plaintext = RandomBytes(70_000);
        string sealedPath = Path.Combine(dir, "in.age");
        using (var output = File.Create(sealedPath))
        using (var writer = AgeFile.Seal(output, [new ScryptRecipient(Encoding.UTF8.GetBytes("correct horse"), workFactor: 14)]))
            writer.Write(plaintext);

        string outPath = Path.Combine(dir, "out");
        RunWithPassphrase($"-d -o {outPath} {sealedPath}", "correct horse", times: 1);
        Assert.Equal(plaintext, File.ReadAllBytes(outPath));
    }

    [Fact]
    public void WeOpen_WhatStockAgeSealsWithAPassphrase()
    {
        byte[] plaintext = RandomBytes(70_000);
        string plainPath = Path.Combine(dir, "plain");
        File.WriteAllBytes(plainPath, plaintext);
        string sealedPath = Path.Combine(dir, "in.age");
        RunWithPassphrase($"-p -o {sealedPath} {plainPath}", "correct horse", times: 2);

        using var input = File.OpenRead(sealedPath);
        var opened = new MemoryStream();
        AgeFile.Open(input, opened, [new ScryptIdentity(Encoding.UTF8.GetBytes("correct horse"))]);
        Assert.Equal(plaintext, opened.ToArray());

        input.Position = 0;
        var wrong = Assert.Throws<AgeException>(() => AgeFile.Open(input, new MemoryStream(), [new ScryptIdentity(Encoding.UTF8.GetBytes("wrong horse"))]));
        Assert.Equal(AgeFailure.NoIdentityMatched, wrong.Failure);
    }

    [Fact]
    public void WeOpen_AnIdentityFileStockAgeEncryptedWithAPassphrase()
    {
        using var identity = X25519Identity.Generate();
        string plainIdentity = Path.Combine(dir, "id.txt");
        File.WriteAllText(plainIdentity, $"# created: 2026-11-27\n# public key: {identity.Recipient}\n{identity.Export()}\n");
        string sealedIdentity = Path.Combine(dir, "id.age");
        RunWithPassphrase($"-p -a -o {sealedIdentity} {plainIdentity}", "idpass", times: 2);

        byte[] content = File.ReadAllBytes(sealedIdentity);
        Assert.True(IdentityFile.IsEncrypted(content));
        var identities = IdentityFile.Open(content, Encoding.UTF8.GetBytes("idpass"));
        Assert.Equal(identity.Recipient.ToString(), Assert.Single(identities).Recipient.ToString());
    }

    /// <summary>Runs a program to completion and returns its standard output.</summary>
    private static byte[] Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(stdout);
        Assert.True(process.WaitForExit(60_000), $"{file} did not finish");
        Assert.True(process.ExitCode == 0, $"{file} failed ({process.ExitCode}): {stderr.Result}");
        return stdout.ToArray();
    }
}
