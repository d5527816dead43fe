using System.Diagnostics;
using Reporting.Testing.Attacks;
using Reporting.Client.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Reporting.Client.Tests;

/// <summary>Each cheap attack of the threat model, run against the real server while a source's real
/// <c>report submit</c> goes through: it is delivered (exit 0). Four upload slots and a two-second grace make each
/// attack cheap to mount here, at strengths that took every slot of the server before its defences.</summary>
public sealed class AttackTests(ITestOutputHelper output)
{
    static readonly Dictionary<string, string?> FewSlots = new()
    {
        ["Reporting:MaxConcurrentUploads"] = "4",
        ["Reporting:UploadGraceSeconds"] = "2",
    };

    /// <summary>How long an attack may take to be under way before the source submits.</summary>
    static readonly TimeSpan Ramp = TimeSpan.FromSeconds(20);

    [Fact]
    public Task RepliesWithACopiedAccessKeyAndAJunkSignature_HoldNoSlot() => UnderAttackAsync(
        server => new JunkSignedReplies(server.Url, server.Reviewers[0].AccessKey.PublicKey.ToString(), connections: 40),
        attack => attack.Count("401") >= 40);

    [Fact]
    public Task SlowUploadsWithSolvedTokens_AndChunkedOnes_AreCut() => UnderAttackAsync(
        server => new SlowUploads(server.Url, largestEnvelope: 256L << 20, holders: 8),
        attack => attack.Count("411") >= 8 && attack.Count("tokens") >= 24);

    [Fact]
    public Task ChallengeFlood_StarvesNobody() => UnderAttackAsync(
        server => new ChallengeFlood(server.Url, connections: 16),
        attack => attack.Count("201") >= 3000);

    [Fact]
    public Task ConnectionsThatNeverFinishTheirHeaders_AboveTheOldCap_LeaveRoom() => UnderAttackAsync(
        server => new IdleConnections(server.Url, connections: 1030),
        attack => attack.Count("opened") >= 1030);

    [Fact]
    public Task ValidlySignedMailboxFlood_DoesNotStopSubmissions() => UnderAttackAsync(
        server => new MailboxFlood(server.Url, connections: 16),
        attack => attack.Count("200") + attack.Count("429") >= 500);

    async Task UnderAttackAsync(Func<ServerFixture, Attack> mount, Func<Attack, bool> underWay)
    {
        using var server = ServerFixture.Start(settings: FewSlots);
        using var source = new SourceMachine();
        source.Init(server);
        var (text, _) = source.TextFile();

        var attack = mount(server).Start();
        ToolResult result;
        TimeSpan took;
        await using (attack)
        {
            var ramp = Stopwatch.StartNew();
            while (!underWay(attack) && ramp.Elapsed < Ramp)
                await Task.Delay(100);
            Assert.True(underWay(attack), $"the attack was not under way after {Ramp}: {attack.Describe()}");

            var watch = Stopwatch.StartNew();
            result = await Task.Run(() => source.Report("submit", "--category", "other", "--text-file", text, "--yes", "--attempts", "3", "--timeout", "30"));
            took = watch.Elapsed;
        }
        output.WriteLine($"{attack.Name} ({attack.Strength}): {attack.Describe()}; report submit took {took.TotalSeconds:F1} s");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var api = server.ReviewerApi();
        Assert.Contains(api.List(), r => r.Id == SourceMachine.IdOf(result));
    }
}
