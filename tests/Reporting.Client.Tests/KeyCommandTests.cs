using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Reporting.Client.Tests.Infrastructure;
using Reporting.Format.Age;
using Reporting.Format.Keys;
using Reporting.Format.Rosters;
using Xunit;

namespace Reporting.Client.Tests;

/// <summary>review keygen / org init / org sign / open and report seal, run as the real built tools.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KeyCommandTests : IDisposable
{
    const string Pass = "a long enough test passphrase";
    readonly TempFolder dir = new();
    readonly string passFile;

    public KeyCommandTests() => passFile = dir.Write("pass", Pass + "\n");

    public void Dispose() => dir.Dispose();

    /// <summary>review keygen in DIR/keys (post-quantum hybrid, or X25519 with <paramref name="classic"/>, which
    /// Debian's stock age 1.1.1 needs); returns the printed recipient.</summary>
    string Keygen(string name = "alice", bool classic = false)
    {
        string[] args = ["keygen", "--name", name, "--out", dir["keys"], "--passphrase-file", passFile];
        var result = Tool.Review(classic ? [.. args, "--classic"] : args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout.Trim();
    }

    static void Succeeds(ToolResult result) => Assert.True(result.ExitCode == 0, result.ToString());

    static void FailsSaying(ToolResult result, string tool, string message)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.StartsWith($"{tool}: error: ", result.Stderr);
        Assert.Contains(message, result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr); // no stack trace
    }

    /// <summary>Leaves no file at <paramref name="path"/>, nor a temporary file beside it.</summary>
    static void NothingAt(string path)
    {
        Assert.False(File.Exists(path), $"{path} was left behind");
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}*"));
    }

    static byte[] Bytes(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 % 251)).ToArray();

    [Fact]
    public void Keygen_WritesIdentityAccessKeyAndEntry_AndPrintsTheRecipient()
    {
        var recipient = Keygen();

        Assert.StartsWith("age1", recipient);
        var entry = RosterEntry.Parse(File.ReadAllBytes(dir["keys/alice.entry.json"]));
        Assert.Equal(new RosterEntry("alice", recipient, entry.AccessKey), entry);
        Assert.StartsWith("reportaccess1", entry.AccessKey);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir["keys/alice.identity"]));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir["keys/alice.access"]));

        using var access = KeyFile.ReadSigningKey(dir["keys/alice.access"], Encoding.UTF8.GetBytes(Pass), SigningKeyKind.Access);
        Assert.Equal(entry.AccessKey, access.PublicKey.ToString());
        var identity = Assert.Single(IdentityFile.Open(File.ReadAllBytes(dir["keys/alice.identity"]), Encoding.UTF8.GetBytes(Pass)));
        Assert.Equal(recipient, identity.Recipient.ToString());
    }

    [Fact]
    public void Keygen_MakesAHybridIdentityByDefault_AndAClassicOneWhenAsked()
    {
        var hybrid = Keygen("alice");
        var classic = Keygen("bob", classic: true);

        Assert.StartsWith("age1pq1", hybrid);
        Assert.StartsWith("age1", classic);
        Assert.DoesNotContain("age1pq1", classic);
        var alice = Assert.Single(IdentityFile.Open(File.ReadAllBytes(dir["keys/alice.identity"]), Encoding.UTF8.GetBytes(Pass)));
        Assert.IsType<HybridIdentity>(alice);
        Assert.Equal(hybrid, alice.Recipient.ToString());
        Assert.StartsWith("# public key: age1pq1", KeyFilePlaintext(dir["keys/alice.identity"]));
    }

    /// <summary>What review keygen sealed into a key file (the project's own reader: the format is tested elsewhere).</summary>
    static string KeyFilePlaintext(string path)
    {
        using var input = File.OpenRead(path);
        using var reader = AgeFile.Open(input, [new ScryptIdentity(Encoding.UTF8.GetBytes(Pass))]);
        return new StreamReader(reader).ReadToEnd().Split('\n').First(l => l.StartsWith("# public key:", StringComparison.Ordinal));
    }

    [Fact]
    public void Keygen_Identity_OpensWithStockAge()
    {
        var recipient = Keygen(classic: true);
        File.WriteAllText(dir["message.txt"], "seen by the stock age tool");
        var seal = Run("age", $"-r {recipient} -o {dir["message.age"]} {dir["message.txt"]}");
        Assert.True(seal.ExitCode == 0, seal.ToString());

        // Stock age reads the passphrase from a terminal only: give it a pseudo-terminal.
        var open = Run("bash", "-c", $"(sleep 1; printf '{Pass}\\n') | script -qfc \"age -d -i {dir["keys/alice.identity"]} -o {dir["opened.txt"]} {dir["message.age"]}\" /dev/null");

        Assert.True(File.Exists(dir["opened.txt"]), open.ToString());
        Assert.Equal("seen by the stock age tool", File.ReadAllText(dir["opened.txt"]));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("Alice")]
    [InlineData("a b")]
    public void Keygen_WithAnUnsafeName_IsRefused(string name)
    {
        var result = Tool.Review("keygen", "--name", name, "--out", dir["keys"], "--passphrase-file", passFile);

        FailsSaying(result, "review", "is not allowed");
        Assert.False(Directory.Exists(dir["keys"]) && Directory.EnumerateFileSystemEntries(dir["keys"]).Any());
    }

    [Fact]
    public void Keygen_NeverOverwritesKeys()
    {
        Keygen();
        var before = File.ReadAllBytes(dir["keys/alice.identity"]);

        var again = Tool.Review("keygen", "--name", "alice", "--out", dir["keys"], "--passphrase-file", passFile);

        FailsSaying(again, "review", "already exists");
        Assert.Equal(before, File.ReadAllBytes(dir["keys/alice.identity"]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SealedByReport_OpenedByReview(bool armor)
    {
        var recipient = Keygen();
        var plaintext = Bytes(200_000); // several 64 KiB chunks
        File.WriteAllBytes(dir["plain.bin"], plaintext);
        string[] seal = ["seal", "-r", recipient, "-o", dir["sealed.age"], dir["plain.bin"]];

        Succeeds(Tool.Report(armor ? [.. seal, "-a"] : seal));
        Succeeds(Tool.Review("open", "--identity", dir["keys/alice.identity"], "--passphrase-file", passFile, "-o", dir["opened.bin"], dir["sealed.age"]));

        Assert.Equal(armor, File.ReadAllText(dir["sealed.age"]).StartsWith("-----BEGIN AGE ENCRYPTED FILE-----"));
        Assert.Equal(plaintext, File.ReadAllBytes(dir["opened.bin"]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void HybridKeys_InteroperateWithTypage_ThroughReportSealAndReviewOpen(bool armor)
    {
        // typage (npm age-encryption) seals to what review keygen made; review open reads it.
        var recipient = Keygen();
        File.WriteAllBytes(dir["from-typage.age"], Typage.Seal("sealed by typage"u8.ToArray(), [recipient], armor));
        var opened = Tool.Review("open", "--identity", dir["keys/alice.identity"], "--passphrase-file", passFile, dir["from-typage.age"]);
        // report seal seals to typage's own key; typage reads it.
        var (typageIdentity, typageRecipient) = Typage.KeyGen();
        string[] seal = ["seal", "-r", typageRecipient, "-o", dir["to-typage.age"]];
        Succeeds(Tool.Run("report", armor ? [.. seal, "-a"] : seal, stdin: "sealed by report"));

        Succeeds(opened);
        Assert.Equal("sealed by typage", opened.Stdout);
        Assert.Equal("sealed by report", Encoding.UTF8.GetString(Typage.Open(File.ReadAllBytes(dir["to-typage.age"]), typageIdentity)));
    }

    [Fact]
    public void Open_WithAnIdentityOfTheOtherKind_SaysWhichKindTheFileNeeds()
    {
        var hybrid = Keygen("alice");
        Keygen("bob", classic: true);
        Succeeds(Tool.Run("report", ["seal", "-r", hybrid, "-o", dir["sealed.age"]], stdin: "x"));

        var result = Tool.Review("open", "--identity", dir["keys/bob.identity"], "--passphrase-file", passFile, dir["sealed.age"]);

        FailsSaying(result, "review", "sealed to post-quantum (age1pq1…) recipients");
        Assert.Contains("AGE-SECRET-KEY-PQ-1", result.Stderr);
    }

    [Fact]
    public void Seal_ToSeveralRecipients_FromStandardInput_OpensWithStockAgeAndPlainIdentity()
    {
        var alice = Keygen("alice", classic: true);
        File.WriteAllText(dir["bob.key"], "# plain identity, as age-keygen writes it\n" + X25519IdentityText(out var bob) + "\n");

        Succeeds(Tool.Run("report", ["seal", "-r", alice, "-r", bob, "-a", "-o", dir["sealed.age"]], stdin: "from standard input"));
        var opened = Tool.Review("open", "-i", dir["bob.key"], dir["sealed.age"]);
        var stock = Run("age", $"-d -i {dir["bob.key"]} {dir["sealed.age"]}");

        Succeeds(opened);
        Assert.Equal("from standard input", opened.Stdout);
        Assert.Equal("from standard input", stock.Stdout);
    }

    static string X25519IdentityText(out string recipient)
    {
        using var identity = X25519Identity.Generate();
        recipient = identity.Recipient.ToString();
        return identity.Export();
    }

    [Fact]
    public void Open_WithTheWrongPassphrase_SaysSo_AndLeavesNothing()
    {
        var recipient = Keygen();
        File.WriteAllText(dir["plain.txt"], "secret");
        Succeeds(Tool.Report("seal", "-r", recipient, "-o", dir["sealed.age"], dir["plain.txt"]));
        var wrong = dir.Write("wrong", "not the passphrase\n");

        var result = Tool.Review("open", "--identity", dir["keys/alice.identity"], "--passphrase-file", wrong, "-o", dir["opened.txt"], dir["sealed.age"]);

        FailsSaying(result, "review", "wrong passphrase");
        NothingAt(dir["opened.txt"]);
    }

    [Fact]
    public void Open_WithAnotherIdentity_SaysNoIdentityMatches_AndLeavesNothing()
    {
        Keygen("alice");
        var bob = Keygen("bob");
        File.WriteAllText(dir["plain.txt"], "for bob only");
        Succeeds(Tool.Report("seal", "-r", bob, "-o", dir["sealed.age"], dir["plain.txt"]));

        var result = Tool.Review("open", "--identity", dir["keys/alice.identity"], "--passphrase-file", passFile, "-o", dir["opened.txt"], dir["sealed.age"]);

        FailsSaying(result, "review", "none of the identities");
        NothingAt(dir["opened.txt"]);
    }

    [Fact]
    public void Open_OfAFileCorruptInItsLastChunk_LeavesNothing()
    {
        var recipient = Keygen();
        File.WriteAllBytes(dir["plain.bin"], Bytes(300_000));
        Succeeds(Tool.Report("seal", "-r", recipient, "-o", dir["sealed.age"], dir["plain.bin"]));
        var sealedBytes = File.ReadAllBytes(dir["sealed.age"]);
        sealedBytes[^5] ^= 0x40; // the first chunks still authenticate and could already be written out
        File.WriteAllBytes(dir["sealed.age"], sealedBytes);

        var result = Tool.Review("open", "--identity", dir["keys/alice.identity"], "--passphrase-file", passFile, "-o", dir["opened.bin"], dir["sealed.age"]);

        FailsSaying(result, "review", "corrupt");
        NothingAt(dir["opened.bin"]);
    }

    [Fact]
    public void Open_OfATruncatedFile_SaysSo_AndLeavesNothing()
    {
        var recipient = Keygen();
        File.WriteAllBytes(dir["plain.bin"], Bytes(150_000));
        Succeeds(Tool.Report("seal", "-r", recipient, "-o", dir["sealed.age"], dir["plain.bin"]));
        var sealedBytes = File.ReadAllBytes(dir["sealed.age"]);
        // Cut off the whole last chunk (150 000 - 2 × 64 KiB of plaintext + its 16-byte tag): what is left
        // authenticates, chunk by chunk, but the final chunk is missing.
        File.WriteAllBytes(dir["sealed.age"], sealedBytes[..(sealedBytes.Length - (150_000 - 2 * 65_536 + 16))]);

        var result = Tool.Review("open", "--identity", dir["keys/alice.identity"], "--passphrase-file", passFile, "-o", dir["opened.bin"], dir["sealed.age"]);

        FailsSaying(result, "review", "truncated");
        NothingAt(dir["opened.bin"]);
    }

    [Fact]
    public void Open_WithoutIdentity_OpensAPassphraseFile_AndTellsAWrongPassphraseApart()
    {
        using (var file = File.Create(dir["sealed.age"]))
        using (var sealing = AgeFile.Seal(file, [new ScryptRecipient(Encoding.UTF8.GetBytes(Pass), workFactor: 10)]))
            sealing.Write("passphrase protected"u8);
        var wrong = dir.Write("wrong", "nope\n");

        var opened = Tool.Review("open", "--passphrase-file", passFile, dir["sealed.age"]);
        var refused = Tool.Review("open", "--passphrase-file", wrong, "-o", dir["opened.txt"], dir["sealed.age"]);

        Succeeds(opened);
        Assert.Equal("passphrase protected", opened.Stdout);
        FailsSaying(refused, "review", "wrong passphrase");
        NothingAt(dir["opened.txt"]);
    }

    [Fact]
    public void Open_WithoutIdentity_OfAFileSealedToARecipient_SaysAnIdentityIsNeeded()
    {
        var recipient = Keygen();
        File.WriteAllText(dir["plain.txt"], "x");
        Succeeds(Tool.Report("seal", "-r", recipient, "-o", dir["sealed.age"], dir["plain.txt"]));

        var result = Tool.Review("open", "--passphrase-file", passFile, dir["sealed.age"]);

        FailsSaying(result, "review", "not encrypted with a passphrase");
        Assert.Contains("--identity", result.Stderr);
    }

    [Fact]
    public void Open_OfSomethingThatIsNotAgeAtAll_SaysSo()
    {
        Keygen();
        File.WriteAllText(dir["plain.txt"], "just text\n");

        var result = Tool.Review("open", "--identity", dir["keys/alice.identity"], "--passphrase-file", passFile, "-o", dir["opened.txt"], dir["plain.txt"]);

        FailsSaying(result, "review", "not an age file");
        NothingAt(dir["opened.txt"]);
    }

    [Fact]
    public void Open_NeverOverwritesItsOutput()
    {
        var recipient = Keygen();
        File.WriteAllText(dir["plain.txt"], "new");
        Succeeds(Tool.Report("seal", "-r", recipient, "-o", dir["sealed.age"], dir["plain.txt"]));
        File.WriteAllText(dir["opened.txt"], "precious");

        var result = Tool.Review("open", "--identity", dir["keys/alice.identity"], "--passphrase-file", passFile, "-o", dir["opened.txt"], dir["sealed.age"]);

        FailsSaying(result, "review", "already exists");
        Assert.Equal("precious", File.ReadAllText(dir["opened.txt"]));
    }

    [Theory]
    [InlineData("file")]
    [InlineData("folder")]
    public void Seal_NeverOverwritesItsOutput(string kind)
    {
        var recipient = Keygen();
        File.WriteAllText(dir["plain.txt"], "new");
        if (kind == "file")
            File.WriteAllText(dir["out"], "precious");
        else
            Directory.CreateDirectory(dir["out"]);

        var result = Tool.Report("seal", "-r", recipient, "-o", dir["out"], dir["plain.txt"]);

        FailsSaying(result, "report", "already exists");
        if (kind == "file")
            Assert.Equal("precious", File.ReadAllText(dir["out"]));
        Assert.Empty(Directory.GetFiles(dir.Path, ".out*"));
    }

    [Fact]
    public void SealAndOpen_ToDevNull_Succeed()
    {
        var recipient = Keygen();
        File.WriteAllBytes(dir["plain.bin"], Bytes(200_000));
        Succeeds(Tool.Report("seal", "-r", recipient, "-o", dir["sealed.age"], dir["plain.bin"]));

        Succeeds(Tool.Report("seal", "-r", recipient, "-o", "/dev/null", dir["plain.bin"]));
        Succeeds(Tool.Review("open", "--identity", dir["keys/alice.identity"], "--passphrase-file", passFile, "-o", "/dev/null", dir["sealed.age"]));
    }

    [Fact]
    public void Open_WithDashForOutput_WritesStandardOutput()
    {
        var recipient = Keygen();
        File.WriteAllText(dir["plain.txt"], "to standard output");
        Succeeds(Tool.Report("seal", "-r", recipient, "-o", dir["sealed.age"], dir["plain.txt"]));

        var result = Tool.Review("open", "--identity", dir["keys/alice.identity"], "--passphrase-file", passFile, "-o", "-", dir["sealed.age"]);

        Succeeds(result);
        Assert.Equal("to standard output", result.Stdout);
        Assert.False(File.Exists(dir["-"]));
    }

    [Fact]
    public async Task SealAndOpen_ThroughNamedPipes_StreamTheWholeFile()
    {
        var recipient = Keygen();
        var plaintext = Bytes(300_000);
        File.WriteAllBytes(dir["plain.bin"], plaintext);
        Succeeds(Run("mkfifo", dir["sealed.pipe"], dir["opened.pipe"]));

        var sealedBytes = ReadPipe(dir["sealed.pipe"]);
        Succeeds(Tool.Report("seal", "-r", recipient, "-o", dir["sealed.pipe"], dir["plain.bin"]));
        File.WriteAllBytes(dir["sealed.age"], await Finished(sealedBytes));
        var opened = ReadPipe(dir["opened.pipe"]);
        Succeeds(Tool.Review("open", "--identity", dir["keys/alice.identity"], "--passphrase-file", passFile, "-o", dir["opened.pipe"], dir["sealed.age"]));

        Assert.Equal(plaintext, await Finished(opened));
    }

    [Fact]
    public async Task Open_OfATruncatedFile_IntoAPipe_StopsAndFails()
    {
        var recipient = Keygen();
        File.WriteAllBytes(dir["plain.bin"], Bytes(5_000_000)); // more than one batch of chunks
        Succeeds(Tool.Report("seal", "-r", recipient, "-o", dir["sealed.age"], dir["plain.bin"]));
        var sealedBytes = File.ReadAllBytes(dir["sealed.age"]);
        File.WriteAllBytes(dir["sealed.age"], sealedBytes[..^100]);
        Succeeds(Run("mkfifo", dir["opened.pipe"]));

        var opened = ReadPipe(dir["opened.pipe"]);
        var result = Tool.Review("open", "--identity", dir["keys/alice.identity"], "--passphrase-file", passFile, "-o", dir["opened.pipe"], dir["sealed.age"]);

        FailsSaying(result, "review", "corrupt");
        Assert.True((await Finished(opened)).Length < 5_000_000);
        Assert.True(File.Exists(dir["opened.pipe"])); // the pipe itself is left alone
    }

    /// <summary>Reads a named pipe to its end on another thread (opening it waits for a writer).</summary>
    static Task<byte[]> ReadPipe(string path) => Task.Run(() => File.ReadAllBytes(path));

    /// <summary>A tool that never opened the pipe leaves its reader waiting: fail rather than hang.</summary>
    static Task<byte[]> Finished(Task<byte[]> reading) => reading.WaitAsync(TimeSpan.FromSeconds(30));

    [Fact]
    public void Seal_WithASecretKeyForARecipient_RefusesWithoutRepeatingIt()
    {
        var secret = X25519IdentityText(out _);

        var result = Tool.Run("report", ["seal", "-r", secret, "-o", dir["sealed.age"]], stdin: "x");

        FailsSaying(result, "report", "secret key");
        Assert.DoesNotContain(secret[16..], result.Stderr);
        NothingAt(dir["sealed.age"]);
    }

    [Fact]
    public void Seal_WithATypoInTheRecipient_IsRefused()
    {
        var recipient = Keygen();
        var typo = recipient[..^2] + (recipient[^2] == 'q' ? 'p' : 'q') + recipient[^1];

        var result = Tool.Run("report", ["seal", "-r", typo, "-o", dir["sealed.age"]], stdin: "x");

        FailsSaying(result, "report", "not a valid age recipient");
        Assert.Contains("checksum", result.Stderr);
        NothingAt(dir["sealed.age"]);
    }

    [Fact]
    public void Seal_ToAMixOfHybridAndClassicRecipients_IsRefused_AndAPluginRecipientIsNamedAsSuch()
    {
        var hybrid = Keygen("alice");
        var classic = Keygen("bob", classic: true);
        var plugin = Bech32.Encode("age1yubikey", new byte[33]);

        var mixed = Tool.Run("report", ["seal", "-r", hybrid, "-r", classic, "-o", dir["sealed.age"]], stdin: "x");
        var unsupported = Tool.Run("report", ["seal", "-r", plugin, "-o", dir["sealed.age"]], stdin: "x");

        FailsSaying(mixed, "report", "mix post-quantum (age1pq1…) and classic");
        FailsSaying(unsupported, "report", "do not support");
        Assert.DoesNotContain("checksum", unsupported.Stderr);
        NothingAt(dir["sealed.age"]);
    }

    [Fact]
    public void OrgSign_RefusesARosterMixingHybridAndClassicReviewers_NamingTheClassicOnes()
    {
        Succeeds(Tool.Review("org", "init", "--out", dir["org.key"], "--passphrase-file", passFile));
        Keygen("alice");
        Keygen("bob", classic: true);

        var result = Tool.Review("org", "sign", "--org-key", dir["org.key"], "--passphrase-file", passFile,
            "--entry", dir["keys/alice.entry.json"], "--entry", dir["keys/bob.entry.json"], "--version", "1", "--out", dir["roster.json"]);

        FailsSaying(result, "review", "mix post-quantum and classic reviewers (bob");
        Assert.Contains("--classic", result.Stderr);
        NothingAt(dir["roster.json"]);
    }

    [Fact]
    public void OrgInitAndSign_MakeARosterThatVerifiesUnderThePrintedKey()
    {
        var init = Tool.Review("org", "init", "--out", dir["org.key"], "--passphrase-file", passFile);
        Succeeds(init);
        var alice = Keygen("alice");
        var bob = Keygen("bob");

        var sign = Tool.Review("org", "sign", "--org-key", dir["org.key"], "--passphrase-file", passFile,
            "--entry", dir["keys/alice.entry.json"], "--entry", dir["keys/bob.entry.json"], "--version", "7", "--out", dir["roster.json"]);

        Succeeds(sign);
        var organisation = PublicSigningKey.Parse(init.Stdout.Trim(), SigningKeyKind.Organisation);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var roster = SignedRoster.Verify(File.ReadAllBytes(dir["roster.json"]), organisation, today, minimumVersion: 7).Roster;
        Assert.Equal(7, roster.Version);
        Assert.Equal(today, roster.Issued);
        Assert.Equal(today.AddDays(90), roster.Expires);
        Assert.Equal([alice, bob], roster.Reviewers.Select(r => r.Recipient));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir["org.key"]));
    }

    [Fact]
    public void OrgVerify_ListsTheReviewers_AndRefusesATamperedRoster()
    {
        var organisation = Tool.Review("org", "init", "--out", dir["org.key"], "--passphrase-file", passFile).Stdout.Trim();
        var alice = Keygen();
        Succeeds(Tool.Review("org", "sign", "--org-key", dir["org.key"], "--passphrase-file", passFile,
            "--entry", dir["keys/alice.entry.json"], "--version", "2", "--out", dir["roster.json"]));
        var file = JsonNode.Parse(File.ReadAllText(dir["roster.json"]))!;
        var payload = Convert.FromBase64String((string)file["payload"]!);
        payload[payload.Length - 20] ^= 1;
        file["payload"] = Convert.ToBase64String(payload);
        File.WriteAllText(dir["tampered.json"], file.ToJsonString());

        var verified = Tool.Review("org", "verify", "--org-key", organisation, dir["roster.json"]);
        var rolledBack = Tool.Review("org", "verify", "--org-key", organisation, "--min-version", "3", dir["roster.json"]);
        var tampered = Tool.Review("org", "verify", "--org-key", organisation, dir["tampered.json"]);

        Succeeds(verified);
        Assert.StartsWith("version 2, valid from ", verified.Stdout);
        Assert.Contains($"alice {alice} reportaccess1", verified.Stdout);
        FailsSaying(rolledBack, "review", "older than version 3");
        FailsSaying(tampered, "review", "signature does not verify");
        Assert.Contains("review: hint: do not use this roster", tampered.Stderr);
    }

    [Fact]
    public void OrgSign_ValidDays_SetsTheExpiry()
    {
        var init = Tool.Review("org", "init", "--out", dir["org.key"], "--passphrase-file", passFile);
        Keygen();

        Succeeds(Tool.Review("org", "sign", "--org-key", dir["org.key"], "--passphrase-file", passFile,
            "--entry", dir["keys/alice.entry.json"], "--version", "1", "--valid-days", "10", "--out", dir["roster.json"]));

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var organisation = PublicSigningKey.Parse(init.Stdout.Trim(), SigningKeyKind.Organisation);
        var failure = Assert.Throws<RosterException>(() => SignedRoster.Verify(File.ReadAllBytes(dir["roster.json"]), organisation, today.AddDays(10)));
        Assert.Equal(RosterFailure.Expired, failure.Failure);
    }

    [Fact]
    public void OrgSign_WithTheWrongPassphrase_SaysSo_AndWritesNothing()
    {
        Succeeds(Tool.Review("org", "init", "--out", dir["org.key"], "--passphrase-file", passFile));
        Keygen();
        var wrong = dir.Write("wrong", "nope\n");

        var result = Tool.Review("org", "sign", "--org-key", dir["org.key"], "--passphrase-file", wrong,
            "--entry", dir["keys/alice.entry.json"], "--version", "1", "--out", dir["roster.json"]);

        FailsSaying(result, "review", "wrong passphrase");
        NothingAt(dir["roster.json"]);
    }

    [Fact]
    public void OrgSign_WithAnAccessKeyForTheOrganisationKey_IsRefused()
    {
        Keygen();

        var result = Tool.Review("org", "sign", "--org-key", dir["keys/alice.access"], "--passphrase-file", passFile,
            "--entry", dir["keys/alice.entry.json"], "--version", "1", "--out", dir["roster.json"]);

        FailsSaying(result, "review", "not an organisation key");
        NothingAt(dir["roster.json"]);
    }

    [Fact]
    public void OrgSign_WithAnEditedEntry_IsRefused()
    {
        Succeeds(Tool.Review("org", "init", "--out", dir["org.key"], "--passphrase-file", passFile));
        Keygen();
        var entry = JsonNode.Parse(File.ReadAllText(dir["keys/alice.entry.json"]))!;
        entry["recipient"] = "age1notarecipient";
        File.WriteAllText(dir["edited.json"], entry.ToJsonString());

        var result = Tool.Review("org", "sign", "--org-key", dir["org.key"], "--passphrase-file", passFile,
            "--entry", dir["edited.json"], "--version", "1", "--out", dir["roster.json"]);

        FailsSaying(result, "review", "recipient");
        NothingAt(dir["roster.json"]);
    }

    [Theory]
    [InlineData("review", "keygen")]
    [InlineData("review", "org")]
    [InlineData("review", "org init")]
    [InlineData("review", "org sign")]
    [InlineData("review", "org verify")]
    [InlineData("review", "open")]
    [InlineData("report", "seal")]
    public void EveryCommand_HasHelp(string tool, string command)
    {
        var result = Tool.Run(tool, [.. command.Split(' '), "--help"]);

        Succeeds(result);
        Assert.Contains("Usage:", result.Stdout);
        Assert.Contains(command.Split(' ')[^1], result.Stdout);
    }

    static ToolResult Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        if (args.Length == 1)
            start.Arguments = args[0];
        else
            foreach (var arg in args)
                start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish in time");
        }
        return new ToolResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
