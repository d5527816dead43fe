using Reporting.Format.Keys;
using Reporting.Format.Protocol;

namespace Reporting.Testing.Attacks;

/// <summary>Attack 5, the mailbox flood: validly signed reads of mailboxes, a fresh mailbox key each (they cost
/// nothing), as fast as they are answered.</summary>
public sealed class MailboxFlood(Uri server, int connections = 16) : RequestFlood(server, connections)
{
    public override string Name => "validly signed mailbox reads, a new key each";

    protected override HttpRequestMessage NextRequest()
    {
        using var key = SigningKey.Generate(SigningKeyKind.Mailbox);
        return RequestSignature.CreateRequest(key, HttpMethod.Get, Routes.Replies(key.PublicKey.ToString()), null, DateTimeOffset.UtcNow);
    }
}
