using System.Collections.Concurrent;
using System.Formats.Tar;
using System.Net;
using System.Text;
using Reporting.Format.Keys;
using Reporting.Format.Protocol;
using Reporting.Server.Backups;

namespace Reporting.Server.Tests.Http;

/// <summary>`backup --out` beside a running SQLite server and `restore --from` into a new folder: every report
/// acknowledged before the backup began comes back byte for byte, nothing half-written, no plaintext; a
/// damaged, cut-short, foreign or unrelated file is refused and the target folder stays empty.</summary>
public sealed class BackupTests : IDisposable
{
    const string Canary = "CANARY-backup-4be1 plaintext";

    readonly TestWorld _world = new();

    public void Dispose() => _world.Dispose();

    /// <summary>Distinct real envelopes, a few KB to 600 KB (some above the 256 KiB an upload keeps in memory).</summary>
    byte[][] Envelopes(int count) =>
        [.. Enumerable.Range(0, count).Select(i => StockAge.Seal(Encoding.ASCII.GetBytes($"{Canary} {i} " + new string('r', 2_000 + i * 40_000)), _world.Reviewers.Select(r => r.Recipient)))];

    Dictionary<string, string?> SettingsFor(string dataDir)
    {
        var settings = _world.Settings();
        settings["Reporting:DataDir"] = dataDir;
        return settings;
    }

    [Fact]
    public async Task Backup_WhileSubmissionsAndDeletesRun_RestoresEveryAcknowledgedReport_ByteForByte()
    {
        var envelopes = Envelopes(16);
        var sent = new ConcurrentDictionary<string, byte[]>();
        await using (var server = await ServerProcess.StartAsync(_world.Settings()))
        {
            using var api = new ServerClient(server.Address, _world);
            for (var i = 0; i < 20; i++)
            {
                var envelope = envelopes[i % envelopes.Length];
                sent[await api.SubmitOkAsync(envelope)] = envelope;
            }
            var before = sent.Keys.ToHashSet();

            // Sources keep submitting and a reviewer keeps deleting the newest while the operator takes the backup.
            using var stop = new CancellationTokenSource();
            var during = 0;
            var load = Task.Run(async () =>
            {
                string? newest = null;
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    if (i % 3 == 2 && newest is not null)
                    {
                        using var deleted = await api.SendSignedAsync(api.ReviewerKey, HttpMethod.Delete, Routes.Report(newest), at: DateTimeOffset.UtcNow);
                        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
                        newest = null;
                        continue;
                    }
                    var envelope = envelopes[i % envelopes.Length];
                    newest = await api.SubmitOkAsync(envelope);
                    sent[newest] = envelope;
                    Interlocked.Increment(ref during);
                }
            });
            var backups = Directory.CreateDirectory(_world.Folder["backups"]).FullName;
            var file = Path.Combine(backups, "backup.tar");
            var backup = await Task.Run(() => ServerProcess.RunToExit(["backup", "--out", file], _world.Settings()));
            stop.Cancel();
            await load;

            Assert.True(backup.ExitCode == 0, backup.Stdout + backup.Stderr);
            Assert.Contains("every entry checked against its SHA-256", backup.Stdout);
            Assert.True(during > 0, "no submission ran during the backup");
            Assert.Equal(["backup.tar"], Directory.EnumerateFiles(backups).Select(Path.GetFileName));
            Assert.False(TempFolder.AnyFileContains(backups, Encoding.ASCII.GetBytes(Canary)));

            var restore = ServerProcess.RunToExit(["restore", "--from", file], SettingsFor(_world.Folder["restored"]));
            Assert.True(restore.ExitCode == 0, restore.Stdout + restore.Stderr);

            await using var restored = await ServerProcess.StartAsync(_world.Settings(SettingsFor(_world.Folder["restored"])));
            using var restoredApi = new ServerClient(restored.Address, _world);
            var listed = (await restoredApi.ListReportsAsync()).Select(r => r.Id).ToList();
            Assert.Subset(listed.ToHashSet(), before);
            foreach (var id in listed)
                Assert.Equal(sent[id], await restoredApi.DownloadAsync(id));
        }
    }

    /// <summary>A backup of a data folder holding three reports, taken with no server running.</summary>
    async Task<string> SmallBackupAsync()
    {
        await using (var server = await RunningServer.StartAsync(_world))
            foreach (var envelope in Envelopes(3))
                await server.SubmitOkAsync(envelope);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var file = _world.Folder["small.tar"];
        SqliteBackup.Write(_world.DataDir, file, _world.Clock.Today);
        return file;
    }

    /// <summary>Where the entry's data starts in the file.</summary>
    static long DataOffsetOf(string archive, Func<string, bool> name)
    {
        using var stream = File.OpenRead(archive);
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry() is { } entry)
            if (name(entry.Name))
                return entry.DataOffset;
        throw new InvalidOperationException("no such entry");
    }

    static void FlipByte(string file, long offset)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        var b = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(b ^ 0x40));
    }

    [Theory]
    [InlineData("cut short")]
    [InlineData("a ciphertext byte changed")]
    [InlineData("a database byte changed")]
    [InlineData("not a backup")]
    [InlineData("another organisation's")]
    public async Task Restore_OfADamagedOrForeignBackup_IsRefused_AndTheFolderStaysEmpty(string damage)
    {
        var backup = await SmallBackupAsync();
        using var other = SigningKey.Generate(SigningKeyKind.Organisation);
        var organisation = _world.Organisation.PublicKey;
        switch (damage)
        {
            case "cut short":
                using (var stream = new FileStream(backup, FileMode.Open))
                    stream.SetLength(stream.Length * 2 / 3);
                break;
            case "a ciphertext byte changed":
                FlipByte(backup, DataOffsetOf(backup, name => name.StartsWith("blobs/", StringComparison.Ordinal)) + 200);
                break;
            case "a database byte changed":
                FlipByte(backup, DataOffsetOf(backup, name => name == "reports.db") + 5000);
                break;
            case "not a backup":
                File.WriteAllBytes(backup, Encoding.ASCII.GetBytes("just some file\n"));
                break;
            case "another organisation's":
                organisation = other.PublicKey;
                break;
        }
        var target = _world.Folder["target"];
        Directory.CreateDirectory(target);

        var refused = Assert.Throws<OperatorError>(() => SqliteRestore.Restore(backup, target, organisation));

        Assert.Contains(damage switch
        {
            "not a backup" => "is not a backup made by reporting-server",
            "another organisation's" => "is a backup of another organisation's server",
            _ => "is damaged",
        }, refused.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
    }

    [Fact]
    public async Task Restore_IntoAFolderThatIsNotEmpty_IsRefused_AndTouchesNothing()
    {
        var backup = await SmallBackupAsync();

        var refused = Assert.Throws<OperatorError>(() => SqliteRestore.Restore(backup, _world.DataDir, null));

        Assert.Contains("is not empty", refused.Message);
        Assert.True(File.Exists(Path.Combine(_world.DataDir, DataFolder.DatabaseFile)));
    }

    [Fact]
    public void Backup_WithPostgresConfigured_SaysToUsePgDump()
    {
        var settings = _world.Settings();
        settings["Reporting:Storage"] = "postgres";

        var result = ServerProcess.RunToExit(["backup", "--out", _world.Folder["x.tar"]], settings);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("reporting-server: error: backup is for the SQLite store", result.Stderr);
        Assert.Contains("pg_dump", result.Stderr);
    }

    [Fact]
    public void Version_PrintsTheVersionAndTheCommit()
    {
        var result = ServerProcess.RunToExit(["--version"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"\Areporting-server \d+\.\d+\.\d+\S* \(commit [0-9a-f]{7,40}\)\n\z", result.Stdout);
    }
}
