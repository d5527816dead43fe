using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Reporting.Format.Keys;
using Reporting.Format.Protocol;
using Reporting.Server.Reports;

namespace Reporting.Server.Tests.Http;

/// <summary>Every 201 carries a receipt (docs/DESIGN.md D3): the receipt key's signature over the report's id,
/// the envelope's SHA-256 and the day, for a retry too.</summary>
public sealed class ReceiptTests : ServerTest
{
    [Fact]
    public async Task Submit_IsAnsweredWithAReceipt_OverTheIdTheEnvelopesHashAndTheDay_AndARetryGetsOneToo()
    {
        using var key = SigningKey.Import(await File.ReadAllTextAsync(Path.Combine(World.DataDir, ReceiptKey.DefaultFile)));
        var envelope = Server.SealForRoster("receipted"u8.ToArray());
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(envelope));
        var idempotencyKey = RunningServer.NewIdempotencyKey();

        using var first = await Server.SubmitAsync(envelope, idempotencyKey: idempotencyKey);
        using var retry = await Server.SubmitAsync(envelope, idempotencyKey: idempotencyKey);

        var answers = new List<SubmittedReport>();
        foreach (var response in new[] { first, retry })
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var answer = (await response.Content.ReadFromJsonAsync<SubmittedReport>())!;
            Assert.Equal(WireDay.Of(World.Clock.Today), answer.Day);
            Assert.True(Receipts.Verify(key.PublicKey, answer.Id, sha256, answer.Day, answer.Receipt));
            Assert.False(Receipts.Verify(key.PublicKey, answer.Id, new string('0', 64), answer.Day, answer.Receipt));
            answers.Add(answer);
        }
        Assert.Equal(answers[0].Id, answers[1].Id);
        Assert.Equal(SigningKeyKind.Receipt, key.Kind);
        Assert.Contains($"Receipts are signed with {key.PublicKey}, which the roster in force does not list", Server.Logs.All);
    }
}
