using Reporting.Client.Tests.Infrastructure;
using Xunit;

namespace Reporting.Client.Tests;

/// <summary>The server is killed with SIGKILL at a random moment while real <c>report</c> processes submit,
/// round after round, on the same data. After each restart every acknowledged report is listed and opens
/// with stock age to its own text (nothing half-written is listed: any damaged byte fails age's
/// authentication), and once the sources have drained their outboxes every report written is stored
/// exactly once. CI runs the short form; the long form:
/// <c>REPORTING_CRASH_ROUNDS=5 REPORTING_CRASH_SUBMISSIONS=100 dotnet test … --filter CrashRound</c>.</summary>
public sealed class CrashRoundTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ServerKilledDuringSubmissions_LosesNothing_AndOutboxesDrainExactlyOnce(string store)
    {
        var rounds = LongForm.Setting("REPORTING_CRASH_ROUNDS", 2);
        var perRound = LongForm.Setting("REPORTING_CRASH_SUBMISSIONS", 20);
        const int sources = 10;
        var random = new Random(20261203 + store.Length);

        await using var database = store == "postgres" ? await PostgresDatabase.CreateAsync() : null;
        var settings = database is null ? null : StoreSettings.Postgres(database);
        using var server = ServerFixture.Start(settings: settings);
        // Few, short attempts: a report whose attempts all fall while the server is down stays queued (75).
        using var fleet = new Fleet(server, sources, null, "--timeout", "10", "--attempts", "3");

        for (var round = 1; round <= rounds; round++)
        {
            var before = fleet.Submissions.Count;
            var submitting = fleet.SubmitAsync(Math.Max(1, perRound / sources));
            // Kill at a random point of the round: after a random number of answers, plus a random pause.
            var killAfter = random.Next(1, Math.Max(2, perRound / 2));
            while (!submitting.IsCompleted && fleet.Submissions.Count - before < killAfter)
                await Task.Delay(20);
            await Task.Delay(random.Next(0, 300));
            var acknowledgedAtKill = fleet.Submissions.Count(s => s.Acknowledged);
            server.Crash(TimeSpan.FromMilliseconds(random.Next(200, 1500)));

            // The store opened cleanly (the fixture waited for health) and holds what it acknowledged.
            fleet.AssertAcknowledgedStored();
            await submitting;
            var stored = fleet.AssertAcknowledgedStored();
            var queued = fleet.Submissions.Skip(before).Count(s => s.ExitCode == 75);
            var sends = fleet.Drain();
            fleet.AssertEachStoredOnce();
            fleet.AssertNoSecrets();
            fleet.AssertServerLoggedNoError();
            output.WriteLine($"{store} round {round}: killed with {acknowledgedAtKill} acknowledged; in all {fleet.Summary()}; " +
                $"{stored.Count} stored before the outboxes drained; {sends} sends drained the {queued} queued this round; every report stored once");
        }
    }
}
