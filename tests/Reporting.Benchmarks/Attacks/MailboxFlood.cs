using Reporting.Format.Keys;
using Reporting.Format.Protocol;

namespace Reporting.Benchmarks.Attacks;

/// <summary>Attack 5, the mailbox flood: validly signed reads of mailboxes, a fresh mailbox key each (they cost
/// nothing), as fast as they are answered.</summary>
public sealed class MailboxFlood(Uri server, int connections = 16) : Attack(server)
{
    public override string Name => "validly signed mailbox reads, a new key each";

    public override string Strength => $"{connections} connections, as fast as answered";

    protected override async Task RunAsync(CancellationToken stop)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = connections }) { BaseAddress = Server };
        await Repeat(connections, stop, async (_, token) =>
        {
            using var key = SigningKey.Generate(SigningKeyKind.Mailbox);
            using var request = RequestSignature.CreateRequest(key, HttpMethod.Get, Routes.Replies(key.PublicKey.ToString()), null, DateTimeOffset.UtcNow);
            using var response = await http.SendAsync(request, token);
            Record(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
    }
}
