using System.Diagnostics;
using Reporting.Format.Keys;
using Reporting.Format.Rosters;

namespace Reporting.Server.Tests.Http;

/// <summary>An organisation with two reviewers and a signed roster, all real keys, and a data folder:
/// everything a server needs to start. Reviewer recipients come from the stock age-keygen.</summary>
public sealed class TestWorld : IDisposable
{
    public sealed record Reviewer(string Name, string Recipient, string Identity, SigningKey AccessKey);

    public TempFolder Folder { get; } = new();
    public ManualClock Clock { get; } = new();
    public SigningKey Organisation { get; } = SigningKey.Generate(SigningKeyKind.Organisation);
    public IReadOnlyList<Reviewer> Reviewers { get; }
    public string DataDir => Folder["data"];
    public string RosterFile => Folder["roster.json"];
    public int RosterVersion { get; private set; }

    public TestWorld(int reviewers = 2)
    {
        Reviewers = [.. Enumerable.Range(1, reviewers).Select(i => NewReviewer($"reviewer{i}"))];
        SignRoster(version: 1, Reviewers);
    }

    /// <summary>Signs and writes a roster; a running server picks it up at its next start.</summary>
    public void SignRoster(int version, IEnumerable<Reviewer> reviewers, SigningKey? organisation = null)
    {
        var signer = organisation ?? Organisation;
        var roster = new Roster(version, Clock.Today, Clock.Today.AddDays(90), signer.PublicKey.ToString(),
            [.. reviewers.Select(r => new RosterEntry(r.Name, r.Recipient, r.AccessKey.PublicKey.ToString()))]);
        File.WriteAllBytes(RosterFile, SignedRoster.Sign(roster, signer).FileBytes);
        RosterVersion = version;
    }

    public static Reviewer NewReviewer(string name)
    {
        var (identity, recipient) = AgeTool.KeyGen();
        return new Reviewer(name, recipient, identity, SigningKey.Generate(SigningKeyKind.Access));
    }

    public Dictionary<string, string?> Settings() => new()
    {
        ["Reporting:DataDir"] = DataDir,
        ["Reporting:RosterFile"] = RosterFile,
        ["Reporting:OrgKey"] = Organisation.PublicKey.ToString(),
        // Low in tests: a real client spends about a second at the default of 20.
        ["Reporting:PowDifficulty"] = "6",
        ["Reporting:MaxEnvelopeBytes"] = (4 << 20).ToString(),
        // Tests must pass on a machine with little free disk; the reserve has its own test.
        ["Reporting:MinFreeBytes"] = "0",
    };

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Organisation.Dispose();
        foreach (var reviewer in Reviewers)
            reviewer.AccessKey.Dispose();
        Folder.Dispose();
    }
}

/// <summary>The stock age tools (/usr/bin/age): envelopes made by an independent implementation.</summary>
public static class AgeTool
{
    public static (string Identity, string Recipient) KeyGen()
    {
        var output = Run("age-keygen", [], []);
        var text = System.Text.Encoding.ASCII.GetString(output);
        var recipient = text.Split('\n').Single(l => l.StartsWith("# public key: ", StringComparison.Ordinal))["# public key: ".Length..].Trim();
        var identity = text.Split('\n').Single(l => l.StartsWith("AGE-SECRET-KEY-1", StringComparison.Ordinal)).Trim();
        return (identity, recipient);
    }

    public static byte[] Seal(byte[] plaintext, IEnumerable<string> recipients) =>
        Run("age", [.. recipients.SelectMany(r => new[] { "-r", r })], plaintext);

    public static byte[] Open(byte[] envelope, string identity, TempFolder folder)
    {
        var file = folder[$"id-{Guid.NewGuid():N}.txt"];
        File.WriteAllText(file, identity + "\n");
        return Run("age", ["-d", "-i", file], envelope);
    }

    static byte[] Run(string tool, string[] arguments, byte[] input)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.BaseStream.Write(input);
        process.StandardInput.Close();
        copy.Wait();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{tool} failed: {stderr.Result}");
        return stdout.ToArray();
    }
}
