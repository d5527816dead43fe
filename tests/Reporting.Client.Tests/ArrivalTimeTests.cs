using System.Diagnostics;
using Reporting.Client.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Reporting.Client.Tests;

/// <summary>No time at rest finer than the day (docs/DESIGN.md D6), on either side: three reports some
/// seconds apart, then every time of every file and folder in the server's data folder and in the
/// source's home, read with statx as a forensic examiner would, against the moments they were sent.
/// Runs on the machine's own disk (/var/tmp), whose file system keeps birth times; /tmp may be a tmpfs.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ArrivalTimeTests(ITestOutputHelper output)
{
    /// <summary>Seconds between the reports: 2 in CI; the long form (15) leaves no doubt which moment is which.</summary>
    static readonly int GapSeconds = LongForm.Setting("REPORTING_ARRIVAL_GAP_SECONDS", 2);

    [Fact]
    public void ThreeReportsSecondsApart_LeaveNoTimeOfTheirArrival_InTheServersDataOrTheSourcesHome()
    {
        var root = Directory.CreateDirectory(Path.Combine("/var/tmp", $"reporting-times-{Guid.NewGuid():N}")).FullName;
        try
        {
            Assert.True(FileTimes.Of(root).Birth is not null,
                "/var/tmp does not keep birth times (statx STATX_BTIME): run this on ext4, xfs or btrfs");
            var data = Directory.CreateDirectory(Path.Combine(root, "data")).FullName;
            var home = Path.Combine(root, "home");
            using var server = ServerFixture.Start(settings: new Dictionary<string, string?> { ["Reporting:DataDir"] = data });
            string[] Report(params string[] args) => ["--home", home, .. args];
            var init = Tool.Run("report", Report("init", "--server", server.Url.ToString(), "--org-key", server.OrganisationKey, "--language", "en"));
            Assert.True(init.ExitCode == 0, init.ToString());
            var text = Path.Combine(root, "report.txt");
            File.WriteAllText(text, "A report whose arrival must not be dated.");
            // The second report carries a document too large to be held in memory while it arrives: the server
            // receives it into a spool before it is checked.
            var document = Path.Combine(root, "account.txt");
            File.WriteAllText(document, string.Concat(Enumerable.Repeat("A long account whose arrival must not be dated either. ", 8000)));
            // Whatever the setup wrote is older than this, with room for the clock's granularity.
            Thread.Sleep(1100);

            var sent = new List<(DateTime From, DateTime To)>();
            for (var i = 0; i < 3; i++)
            {
                if (i > 0)
                    Thread.Sleep(TimeSpan.FromSeconds(GapSeconds));
                var from = DateTime.UtcNow;
                string[] attach = i == 1 ? ["--attach", document, "--allow-unscrubbed"] : [];
                var result = Tool.Run("report", Report(["submit", "--category", "other", "--text-file", text, .. attach, "--no-reply", "--yes"]));
                sent.Add((from, DateTime.UtcNow));
                Assert.True(result.ExitCode == 0, result.ToString());
            }
            output.WriteLine(string.Join("\n", sent.Select((s, i) => $"report {i + 1} sent {s.From:HH:mm:ss.fff}-{s.To:HH:mm:ss.fff}")));

            AssertUndated(FileTimes.Under(data), sent, LatestWriteOnly(data));
            AssertUndated(FileTimes.Under(home), sent, _ => false);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The database's files may show their latest write, as folders may show their latest change
    /// (docs/DESIGN.md D6): the volume of ciphertext is written by every report, so its last write is the last report's.</summary>
    static Func<FileTimes, bool> LatestWriteOnly(string data) =>
        times => Path.GetFileName(times.Path) == "ciphertext.volume";

    /// <summary>Every time is older than the first report, a midnight, or (folders and the database's own
    /// files: their latest write; <paramref name="latestWrite"/>: the last report's write) later. None lies
    /// among the reports' moments: nothing is born with a report, and nothing keeps the moment of one but
    /// the latest.</summary>
    void AssertUndated(List<FileTimes> entries, List<(DateTime From, DateTime To)> sent, Func<FileTimes, bool> latestWrite)
    {
        var first = sent[0].From;
        var last = sent[^1].From;
        foreach (var entry in entries)
        {
            var name = Path.GetFileName(entry.Path);
            var exempt = entry.IsFolder || name.StartsWith("reports.db", StringComparison.Ordinal);
            foreach (var (kind, time) in entry.All())
            {
                output.WriteLine($"{entry.Path} {kind} {time:yyyy-MM-dd HH:mm:ss.fffffff}");
                if (time < first || time.TimeOfDay == TimeSpan.Zero)
                    continue;
                if (exempt && kind != "birth")
                    continue;
                if (latestWrite(entry) && kind is "change" or "modification" && time >= last)
                    continue;
                var during = sent.FindIndex(s => time >= s.From && time <= s.To);
                Assert.Fail($"{entry.Path}: its {kind} time {time:HH:mm:ss.fffffff} " +
                    (during >= 0 ? $"falls while report {during + 1} was being sent" : "falls among the reports' moments"));
            }
        }
    }
}
