using System.Text.Json;
using Reporting.Client.Tests.Infrastructure;
using Reporting.Format.Keys;
using Reporting.Format.Protocol;
using Reporting.Format.Rosters;
using Reporting.Testing;
using Xunit;

namespace Reporting.Client.Tests;

/// <summary>A delivery is believed only with a receipt by the receipt key the roster lists (docs/DESIGN.md D3);
/// a 201 without one leaves the report queued, and the intermediary keeps the receipts it got.</summary>
public sealed class ReceiptTests
{
    [Fact]
    public void A201WithoutAValidReceipt_LeavesTheReportQueued_AndAValidOneDeliversIt_IntoTheReceiptFile()
    {
        using var dir = new TempFolder();
        using var receiptKey = SigningKey.Generate(SigningKeyKind.Receipt);
        using var otherKey = SigningKey.Generate(SigningKeyKind.Receipt);
        File.WriteAllText(dir["receipt.key"], receiptKey.Export() + "\n");
        using var server = ServerFixture.Start(settings: new Dictionary<string, string?> { ["Reporting:ReceiptKeyFile"] = dir["receipt.key"] });
        SignedRoster Roster(int version, SigningKey listed)
        {
            var issued = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
            return SignedRoster.Sign(new Roster(version, issued, issued.AddDays(90), server.OrganisationKey,
                [.. server.Reviewers.Select(r => r.Entry)], listed.PublicKey.ToString()), server.Organisation);
        }
        // The roster names another receipt key than the server signs with: as if someone on the path answered.
        server.Restart(Roster(2, otherKey));
        using var source = new SourceMachine();
        source.Init(server);

        var submitted = source.Report("submit", "--category", "other", "--text-file", source.TextFile().Path, "--no-reply", "--yes");

        Assert.True(submitted.ExitCode == 75, submitted.ToString());
        Assert.Contains("no valid receipt", submitted.Stderr);
        Assert.Contains("queued: ", submitted.Stdout);

        server.Restart(Roster(3, receiptKey));
        var receipts = source.Files["receipts.jsonl"];
        var sent = source.Report("send", "--pause", "0", "--receipt", receipts);

        Assert.True(sent.ExitCode == 0, sent.ToString());
        var id = SourceMachine.IdOf(sent)!;
        var line = JsonDocument.Parse(Assert.Single(File.ReadAllLines(receipts))).RootElement;
        Assert.Equal(id, line.GetProperty("id").GetString());
        Assert.True(Receipts.Verify(receiptKey.PublicKey, id, line.GetProperty("sha256").GetString()!, line.GetProperty("day").GetString(), line.GetProperty("receipt").GetString()));
        using var reviewer = server.ReviewerApi();
        Assert.Equal([id], reviewer.List().Select(r => r.Id));
    }
}
