using System.Buffers.Text;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Reporting.Format.Protocol;

namespace Reporting.Testing.Attacks;

/// <summary>Attack 2, slot holding with cheap tokens: submissions with solved challenges whose bodies trickle at the old
/// floor (256 B/s), half declaring the largest envelope and half a typical 64 KiB one, each started again with a new
/// token when the server cuts it; and as many chunked submissions, which reserved twice the largest envelope each,
/// each sent again a second after it ends.</summary>
public sealed class SlowUploads(Uri server, long largestEnvelope, int holders = 32, int bytesPerSecond = 256) : Attack(server)
{
    public override string Name => "slow uploads with solved tokens, and chunked ones";

    public override string Strength =>
        $"{holders} uploads × {bytesPerSecond} B/s (half declaring {largestEnvelope >> 20} MiB, half 64 KiB), each renewed with a new token when cut; {holders} chunked, each sent again 1 s after it ends";

    protected override async Task RunAsync(CancellationToken stop)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = Server };
        await Repeat(2 * holders, stop, async (worker, token) =>
        {
            var chunked = worker >= holders;
            var declared = worker % 2 == 0 ? largestEnvelope : ProofOfWork.BaseEnvelopeBytes;
            var pow = await SolveAsync(http, chunked ? 0 : declared, token);
            Record("tokens");
            var head =
                $"POST {Routes.Reports} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n" +
                (chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {declared}\r\n") +
                $"{SubmissionHeaders.Pow}: {pow}\r\n{SubmissionHeaders.RosterVersion}: 1\r\n" +
                $"{SubmissionHeaders.IdempotencyKey}: {Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18))}";
            Record(await RawConnection.HoldAsync(Server, head, bytesPerSecond, token));
            if (chunked)
                await Task.Delay(TimeSpan.FromSeconds(1), token);
        });
    }

    /// <summary>A fresh challenge solved for an upload of <paramref name="declared"/> bytes: what each token costs.</summary>
    static async Task<string> SolveAsync(HttpClient http, long declared, CancellationToken stop)
    {
        using var response = await http.PostAsync(Routes.Challenges, null, stop);
        response.EnsureSuccessStatusCode();
        var challenge = (await response.Content.ReadFromJsonAsync(ProtocolJson.Default.IssuedChallenge, stop))!;
        var difficulty = ProofOfWork.DifficultyFor(challenge.Difficulty, declared);
        var nonce = await Task.Run(() => ProofOfWork.Solve(Encoding.ASCII.GetBytes(challenge.Challenge), difficulty, stop), stop);
        return $"{challenge.Challenge}:{nonce}";
    }
}
