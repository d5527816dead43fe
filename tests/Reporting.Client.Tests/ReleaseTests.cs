using System.Security.Cryptography;
using Reporting.Client.Tests.Infrastructure;
using Reporting.Format.Keys;
using Reporting.Format.Rosters;
using Xunit;

namespace Reporting.Client.Tests;

/// <summary>The released linux-x64 archives (release.sh's own output, built once for this class) on a bare
/// machine: no dotnet, empty HOME and TMPDIR. The whole flow, a stick with report-home/, signatures checked
/// with stock minisign, and what must be refused: a tampered archive or signature, another key, a mistyped invite.</summary>
public sealed class ReleaseTests(ReleaseBuild release) : IClassFixture<ReleaseBuild>, IDisposable
{
    const string Passphrase = "correct horse battery staple for the release";
    readonly TempFolder work = new();
    readonly BareMachine machine = new();

    public void Dispose()
    {
        machine.Dispose();
        work.Dispose();
    }

    ToolResult Review(params string[] args) => ReleaseBuild.RunBare(release.Review, machine, args);
    ToolResult Report(params string[] args) => ReleaseBuild.RunBare(release.Report, machine, args);

    static ToolResult Succeeds(ToolResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    string PassphraseFile => File.Exists(work["passphrase"]) ? work["passphrase"] : work.Write("passphrase", Passphrase + "\n");

    /// <summary>An organisation key made by the released review; returns its file and public key (reportorg1…).</summary>
    (string File, string Public) OrganisationKey(string name = "org")
    {
        var path = work[$"{name}.key"];
        var key = Succeeds(Review("org", "init", "--out", path, "--passphrase-file", PassphraseFile)).Stdout.Trim();
        return (path, key);
    }

    /// <summary>An organisation key, a reviewer alice (keys/) and roster.json listing her, all made by the released review.</summary>
    (string OrgFile, string OrgPublic) TeamWithRoster()
    {
        var (orgFile, orgPublic) = OrganisationKey();
        Succeeds(Review("keygen", "--name", "alice", "--out", work["keys"], "--passphrase-file", PassphraseFile));
        Succeeds(Review("org", "sign", "--org-key", orgFile, "--entry", work["keys/alice.entry.json"], "--version", "1",
            "--out", work["roster.json"], "--passphrase-file", PassphraseFile));
        return (orgFile, orgPublic);
    }

    [Fact]
    public void Archives_HoldOneSelfContainedFolderEach_ListedInSha256Sums()
    {
        var sums = File.ReadAllLines(Path.Combine(release.Dist, "SHA256SUMS"));
        foreach (var tool in new[] { "report", "review" })
        {
            var archive = release.Archive(tool);
            var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(archive)));
            Assert.Contains($"{hash}  {Path.GetFileName(archive)}", sums);

            var folder = tool == "report" ? release.ReportFolder : release.ReviewFolder;
            var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).ToList();
            Assert.Contains(tool, files);
            Assert.Contains("README.txt", files);
            Assert.Contains("LICENSE.txt", files);
            Assert.Contains("THIRD-PARTY-NOTICES.txt", files);
            // libsodium (NSec's native library) travels beside the executable: nothing is fetched or extracted at run time.
            Assert.Contains("libsodium.so", files);
            // Native AOT: machine code only, no managed assemblies for a runtime to load, no debug symbols.
            Assert.DoesNotContain(files, f => f.EndsWith(".dll", StringComparison.Ordinal) || f.EndsWith(".pdb", StringComparison.Ordinal) || f.EndsWith(".dbg", StringComparison.Ordinal));
            Assert.Contains(release.Version, File.ReadAllText(Path.Combine(folder, "README.txt")));
        }
        Assert.Contains("libSkiaSharp.so", Directory.GetFiles(release.ReportFolder).Select(Path.GetFileName));
        // docs/DESIGN.md §5: the report archive for linux-x64 at most 20 MiB (the goal is 12; README gives the figure).
        Assert.InRange(new FileInfo(release.Archive("report")).Length, 1, 20L << 20);
    }

    [Fact]
    public void ReleasedTools_Version_NamesTheVersionAndTheCommit()
    {
        var commit = Tool.RunExecutable("git", ["-C", Repository.Root, "rev-parse", "HEAD"]).Stdout.Trim();
        foreach (var tool in new[] { release.Report, release.Review })
        {
            var version = Succeeds(ReleaseBuild.RunBare(tool, machine, ["--version"])).Stdout.Trim();
            Assert.StartsWith(release.Version + "+", version);
            if (Environment.GetEnvironmentVariable("REPORTING_RELEASE_DIST") is null)
                Assert.EndsWith(commit, version);
        }
        Assert.Empty(machine.Written());
    }

    [Fact]
    public void ReleasedTools_RunTheWholeFlow_OnABareMachine()
    {
        // Organisation and reviewer keys, the roster: the released review.
        var (orgFile, orgPublic) = TeamWithRoster();

        // The server (its release comes later: the build output) serves that roster under that key.
        var organisation = KeyFile.ReadSigningKey(orgFile, System.Text.Encoding.UTF8.GetBytes(Passphrase), SigningKeyKind.Organisation);
        var roster = SignedRoster.Verify(File.ReadAllBytes(work["roster.json"]), organisation.PublicKey, DateOnly.FromDateTime(DateTime.UtcNow));
        using var server = ServerFixture.Start(organisation, roster);

        // A source sets up from an invite and submits one report, and exports another to carry by hand.
        var invite = Succeeds(Review("org", "invite", "--org-key", orgPublic, "--server", server.Url.ToString())).Stdout.Trim();
        var home = work["source-home"];
        var init = Succeeds(Report("--home", home, "--language", "en", "init", "--invite", invite));
        Assert.Contains(Fingerprint.Of(organisation.PublicKey), init.Stderr);
        var sent = Canary.New("sent");
        var submitted = Succeeds(Report("--home", home, "submit", "--category", "illness", "--region", "Jilin",
            "--text-file", work.Write("sent.txt", $"A woman without papers was refused at the clinic. {sent}\n"), "--yes"));
        var id = SourceMachine.IdOf(submitted)!;
        var codename = work.Write("codename", SourceMachine.CodenameOf(submitted)! + "\n");
        var carried = Canary.New("carried");
        Succeeds(Report("--home", home, "submit", "--category", "other", "--no-reply", "--yes", "--export", work["carried.age"],
            "--text-file", work.Write("carried.txt", $"Carried on a stick. {carried}\n")));
        Canary.AssertAbsent(home, sent, carried);

        // Online workstation: fetch; the carried file joins the inbox; offline machine: decrypt, answer; online: push.
        Succeeds(Review("fetch", "--server", server.Url.ToString(), "--access-key", work["keys/alice.access"], "--passphrase-file", PassphraseFile, "--out", work["inbox"]));
        File.Copy(work["carried.age"], work["inbox/carried.age"]);
        Succeeds(Review("decrypt", "--identity", work["keys/alice.identity"], "--passphrase-file", PassphraseFile, "--in", work["inbox"], "--out", work["reports"]));
        Assert.Contains(sent, File.ReadAllText(work[$"reports/{id}/report.txt"]));
        Assert.Contains(carried, string.Concat(Directory.GetFiles(work["reports"], "report.txt", SearchOption.AllDirectories).Select(File.ReadAllText)));
        var answer = Canary.New("answer");
        Succeeds(Review("reply", "--identity", work["keys/alice.identity"], "--passphrase-file", PassphraseFile, "--report", work[$"reports/{id}"],
            "--text-file", work.Write("answer.txt", $"We read it. {answer}\n"), "--out", work["answers"]));
        Succeeds(Review("push", "--server", server.Url.ToString(), "--access-key", work["keys/alice.access"], "--passphrase-file", PassphraseFile, "--in", work["answers"], "--spread", "0"));

        // The source reads the answer with the codename.
        Assert.Contains(answer, Succeeds(Report("--home", home, "replies", "--codename-file", codename)).Stdout);
        Canary.AssertAbsent(server.DataDir, sent, carried, answer);
        Assert.Empty(machine.Written());
    }

    [Fact]
    public void Report_FromAStickWithReportHome_KeepsItsStateThere_AndWritesNowhereElse()
    {
        var (_, orgPublic) = TeamWithRoster();
        var stick = work["stick"];
        Assert.Equal(0, Tool.RunExecutable("cp", ["-a", release.ReportFolder, stick]).ExitCode);
        Directory.CreateDirectory(Path.Combine(stick, "report-home"));
        var report = Path.Combine(stick, "report");
        // Even a REPORT_HOME set on the borrowed computer does not pull the stick's state onto it.
        var borrowed = work["borrowed-computer-home"];
        var environment = new Dictionary<string, string> { ["REPORT_HOME"] = borrowed };
        ToolResult Run(params string[] args) => Succeeds(ReleaseBuild.RunBare(report, machine, args, more: environment));

        Run("--version");
        Run("--help");
        Run("init", "--server", "https://reports.example.org", "--org-key", orgPublic, "--roster", work["roster.json"], "--language", "ko");
        var text = Canary.New("stick");
        Run("submit", "--category", "death", "--no-reply", "--yes", "--export", work["out.age"],
            "--text-file", work.Write("stick.txt", $"Reported from a stick. {text}\n"));
        Run("outbox");
        var recipient = File.ReadAllText(work["keys/alice.entry.json"]).Split('"').First(s => s.StartsWith("age1", StringComparison.Ordinal));
        Run("seal", "-r", recipient, "-o", work["sealed.age"], work["stick.txt"]);

        Assert.True(File.Exists(Path.Combine(stick, "report-home", "config.json")));
        Assert.True(File.Exists(Path.Combine(stick, "report-home", "roster.json")));
        Assert.True(File.Exists(work["out.age"]));
        Canary.AssertAbsent(stick, text);
        Assert.False(Directory.Exists(borrowed));
        Assert.Empty(machine.Written());
    }

    [Fact]
    public void SignedArchive_VerifiesWithStockMinisign_AndWithReport()
    {
        var (orgPublic, archive, minisignKey) = SignedCopyOfArchive();

        Assert.StartsWith("RW", minisignKey);
        Succeeds(Minisign(archive, minisignKey));
        var verified = Succeeds(Report("verify-file", "--org-key", orgPublic, archive));
        Assert.Contains("good signature", verified.Stdout);
        Succeeds(Report("verify-file", "--org-key", minisignKey, archive));
        Assert.Empty(machine.Written());
    }

    [Fact]
    public void TamperedArchive_IsRefused_ByMinisignAndByReport()
    {
        var (orgPublic, archive, minisignKey) = SignedCopyOfArchive();
        using (var file = File.Open(archive, FileMode.Open))
        {
            file.Position = file.Length / 2;
            var b = file.ReadByte();
            file.Position--;
            file.WriteByte((byte)(b ^ 1));
        }

        Assert.NotEqual(0, Minisign(archive, minisignKey).ExitCode);
        var refused = Report("verify-file", "--org-key", orgPublic, archive);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("does not match its signature", refused.Stderr);
        Assert.Contains("hint: do not run", refused.Stderr);
    }

    [Fact]
    public void TamperedSignature_IsRefused_ByMinisignAndByReport()
    {
        var (orgPublic, archive, minisignKey) = SignedCopyOfArchive();
        var signature = archive + ".minisig";
        File.WriteAllText(signature, File.ReadAllText(signature).Replace("\tfile:", "\tfile:not-"));

        Assert.NotEqual(0, Minisign(archive, minisignKey).ExitCode);
        var refused = Report("verify-file", "--org-key", orgPublic, archive);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("does not match its signature", refused.Stderr);

        File.WriteAllText(signature, "untrusted comment: nothing\nnot base64\n");
        refused = Report("verify-file", "--org-key", orgPublic, archive);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("is not a signature these tools accept", refused.Stderr);
    }

    [Fact]
    public void SignatureByAnotherKey_IsRefused_ByMinisignAndByReport()
    {
        var (_, orgPublic) = OrganisationKey();
        var (otherFile, _) = OrganisationKey("other");
        var archive = CopyOfArchive();
        Succeeds(Review("org", "sign-file", "--org-key", otherFile, "--passphrase-file", PassphraseFile, archive));
        var organisation = PublicSigningKey.Parse(orgPublic, SigningKeyKind.Organisation);

        Assert.NotEqual(0, Minisign(archive, Format.Signatures.MinisignKey.Encode(organisation)).ExitCode);
        var refused = Report("verify-file", "--org-key", orgPublic, archive);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("signed with another key", refused.Stderr);
    }

    [Fact]
    public void InviteWithOneCharacterChanged_IsRefused_AndNothingIsWritten()
    {
        var (_, orgPublic) = OrganisationKey();
        var invite = Succeeds(Review("org", "invite", "--org-key", orgPublic, "--server", "https://reports.example.org",
            "--proxy", "socks5://127.0.0.1:9050", "--qr", work["invite.png"])).Stdout.Trim();
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(work["invite.png"])[..4]);
        var at = invite.Length / 2;
        var changed = invite[..at] + (invite[at] == 'q' ? 'p' : 'q') + invite[(at + 1)..];

        var refused = Report("--home", work["home"], "--language", "en", "init", "--invite", changed);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("this invite is damaged or mistyped", refused.Stderr);
        Assert.False(Directory.Exists(work["home"]));
        Assert.Empty(machine.Written());
    }

    /// <summary>A copy of the report archive signed by a new organisation key: that key (reportorg1…), the copy, the key's RW… form.</summary>
    (string OrgPublic, string Archive, string MinisignKey) SignedCopyOfArchive()
    {
        var (orgFile, orgPublic) = OrganisationKey();
        var archive = CopyOfArchive();
        var minisignKey = Succeeds(Review("org", "sign-file", "--org-key", orgFile, "--passphrase-file", PassphraseFile, archive)).Stdout.Trim();
        return (orgPublic, archive, minisignKey);
    }

    string CopyOfArchive()
    {
        var copy = work[Path.GetFileName(release.Archive("report"))];
        File.Copy(release.Archive("report"), copy);
        return copy;
    }

    /// <summary>Debian's stock minisign (test.sh installs it): <c>minisign -Vm FILE -P RW…</c>.</summary>
    static ToolResult Minisign(string file, string publicKey) => Tool.RunExecutable("minisign", ["-Vm", file, "-P", publicKey]);
}
