using System.Buffers.Text;
using System.Security.Cryptography;
using Reporting.Format.Protocol;

namespace Reporting.Testing.Attacks;

/// <summary>Attack 1, slot holding without proof of work: the reply route, with an access key copied from the public
/// roster and a junk signature, a declared megabyte sent at a trickle. Each connection is opened again a second after
/// the server answers or closes it: the attack's own strength, not a flood of requests (that is another attack).</summary>
public sealed class JunkSignedReplies(Uri server, string accessKey, int connections = 160, int bytesPerSecond = 300) : Attack(server)
{
    public override string Name => "replies with a copied key and a junk signature";

    public override string Strength => $"{connections} connections × {bytesPerSecond} B/s, Content-Length 1 MiB ({connections * bytesPerSecond / 1000} KB/s), each reopened 1 s after it ends";

    protected override Task RunAsync(CancellationToken stop) => Repeat(connections, stop, async (_, token) =>
    {
        using var mailbox = Format.Keys.SigningKey.Generate(Format.Keys.SigningKeyKind.Mailbox);
        var head =
            $"POST {Routes.Replies(mailbox.PublicKey.ToString())} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: {1 << 20}\r\n" +
            $"{RequestSignature.KeyHeader}: {accessKey}\r\n{RequestSignature.TimestampHeader}: {DateTimeOffset.UtcNow.ToUnixTimeSeconds()}\r\n" +
            $"{RequestSignature.NonceHeader}: {Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18))}\r\n" +
            $"{RequestSignature.SignatureHeader}: {Convert.ToBase64String(RandomNumberGenerator.GetBytes(64))}\r\n" +
            $"{RequestSignature.ContentSha256Header}: {Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}";
        Record(await RawConnection.HoldAsync(Server, head, bytesPerSecond, token));
        await Task.Delay(TimeSpan.FromSeconds(1), token);
    });
}
