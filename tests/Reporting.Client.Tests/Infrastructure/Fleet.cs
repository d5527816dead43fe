using System.Collections.Concurrent;
using System.Text;
using Xunit;

namespace Reporting.Client.Tests.Infrastructure;

/// <summary>One report written by a <see cref="Fleet"/>: which source, the canary its text holds, and how
/// <c>report submit</c> ended (0 with the server's id: acknowledged; 75: left in the outbox).</summary>
public sealed record Submission(int Source, string Canary, int ExitCode, string? Id, string? Codename)
{
    public bool Acknowledged => ExitCode == 0 && Id is not null;
}

/// <summary>Many sources at once, each a <see cref="SourceMachine"/> of its own running the real <c>report</c>
/// tool: they submit side by side (one process per source at a time, as on one person's computer), drain
/// their outboxes, and then what the server holds is checked the way a reviewer would see it, with stock
/// age: every report written arrived exactly once, whole.</summary>
public sealed class Fleet : IDisposable
{
    readonly ServerFixture server;
    readonly string[] delivery;
    readonly ConcurrentQueue<Submission> submissions = new();
    readonly List<SourceMachine> sources = [];

    /// <param name="url">Where the sources send (the server itself unless told, e.g. a proxy before it).</param>
    /// <param name="delivery">Options for every submit and send, e.g. <c>--timeout 5 --attempts 3</c>.</param>
    public Fleet(ServerFixture server, int sources, Uri? url = null, params string[] delivery)
    {
        this.server = server;
        this.delivery = delivery;
        // Initialised one by one, straight to the server: init is not what these scenarios put to the test.
        for (var i = 0; i < sources; i++)
        {
            var source = new SourceMachine();
            this.sources.Add(source);
            source.Init(server, url, delivery);
        }
    }

    public IReadOnlyList<Submission> Submissions => [.. submissions];

    /// <summary>Every source submits <paramref name="perSource"/> reports, one after another; the sources run
    /// at the same time. Each outcome is recorded as soon as its process ends. Anything but 0 or 75 fails.</summary>
    /// <param name="lines">How many lines of testimony each report has (about 64 bytes each).</param>
    public Task SubmitAsync(int perSource, int lines = 1) => Task.WhenAll(sources.Select((source, index) => Task.Factory.StartNew(() =>
    {
        for (var i = 0; i < perSource; i++)
        {
            var testimony = string.Concat(Enumerable.Repeat("Two people were detained at the station on the way south.\n", lines));
            var (text, canary) = source.TextFile($"Report {i} from source {index}.\n{testimony}");
            var result = source.Run(["submit", "--category", "arrest", "--text-file", text, "--yes", .. delivery]);
            Assert.True(result.ExitCode is 0 or 75, result.ToString());
            submissions.Enqueue(new Submission(index, canary, result.ExitCode, SourceMachine.IdOf(result), SourceMachine.CodenameOf(result)));
        }
    }, TaskCreationOptions.LongRunning)));

    /// <summary>Runs <c>report send</c> on every source with something queued until all outboxes are empty
    /// (at most <paramref name="rounds"/> rounds); returns how many sends it took.</summary>
    public int Drain(int rounds = 8)
    {
        var sends = 0;
        for (var round = 0; round < rounds; round++)
        {
            var waiting = sources.Where(s => Directory.EnumerateFiles(Path.Combine(s.Home, "outbox")).Any()).ToList();
            if (waiting.Count == 0)
                return sends;
            Parallel.ForEach(waiting, source =>
            {
                var result = source.Run(["send", "--pause", "0", .. delivery]);
                Assert.True(result.ExitCode is 0 or 75, result.ToString());
            });
            sends += waiting.Count;
        }
        var left = sources.Sum(s => Directory.EnumerateFiles(Path.Combine(s.Home, "outbox")).Count());
        Assert.Fail($"{left} envelopes still queued after {rounds} rounds of report send");
        return sends;
    }

    /// <summary>What the server lists, each envelope fetched and opened with stock age: the report text by id.
    /// An envelope that does not open (half-written, damaged: age authenticates every byte) fails here.</summary>
    IReadOnlyDictionary<string, string> Stored()
    {
        using var api = server.ReviewerApi();
        var texts = new ConcurrentDictionary<string, string>();
        Parallel.ForEach(api.List(), new ParallelOptions { MaxDegreeOfParallelism = 4 }, report =>
        {
            using var reviewer = server.ReviewerApi();
            texts[report.Id] = StockAge.OpenReport(reviewer.Fetch(report.Id), server.Reviewers[0]).Text;
        });
        return texts;
    }

    /// <summary>Every report acknowledged so far is stored under the id it was given, whole (reports acknowledged
    /// while the check runs are left for the next). Returns what is stored.</summary>
    public IReadOnlyDictionary<string, string> AssertAcknowledgedStored()
    {
        var acknowledged = Submissions.Where(s => s.Acknowledged).ToList();
        var stored = Stored();
        foreach (var submission in acknowledged)
        {
            Assert.True(stored.TryGetValue(submission.Id!, out var text), $"acknowledged {submission.Id} is not listed");
            Assert.Contains(submission.Canary, text);
        }
        return stored;
    }

    /// <summary>Every report written is stored exactly once, and nothing else is (call it when no source is busy).</summary>
    public void AssertEachStoredOnce()
    {
        var stored = AssertAcknowledgedStored();
        var all = Submissions;
        foreach (var submission in all)
        {
            var copies = stored.Values.Count(t => t.Contains(submission.Canary));
            Assert.True(copies == 1, $"report {submission.Canary} is stored {copies} times");
        }
        Assert.Equal(all.Count, stored.Count);
    }

    /// <summary>No report text (canary) is in any file of the server's data folder, in the server's log or in any
    /// source's home, and no codename is in the server's data or log.</summary>
    public void AssertNoSecrets()
    {
        var all = Submissions;
        var canaries = all.Select(s => s.Canary).ToArray();
        var codenames = all.Select(s => s.Codename).OfType<string>().ToArray();
        Canary.AssertAbsent(server.DataDir, [.. canaries, .. codenames]);
        var log = server.Log;
        foreach (var secret in canaries.Concat(codenames))
            Assert.False(log.Contains(secret, StringComparison.Ordinal), "a report text or codename is in the server's log");
        foreach (var source in sources)
            source.AssertNoPlaintext();
    }

    /// <summary>The server logged no error: an answer of 500 (an unhandled exception) is logged at error level, and
    /// the sources would otherwise hide it by retrying.</summary>
    public void AssertServerLoggedNoError()
    {
        var errors = server.Log.Split('\n')
            .Where(l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal))
            .ToList();
        Assert.True(errors.Count == 0, $"the server logged errors:\n{string.Join('\n', errors)}");
    }

    /// <summary>One line for the test output: how the submissions ended.</summary>
    public string Summary()
    {
        var all = Submissions;
        return new StringBuilder()
            .Append(all.Count).Append(" submitted, ")
            .Append(all.Count(s => s.Acknowledged)).Append(" acknowledged, ")
            .Append(all.Count(s => s.ExitCode == 75)).Append(" left queued")
            .ToString();
    }

    public void Dispose()
    {
        foreach (var source in sources)
            source.Dispose();
    }
}
