using System.Text;
using Reporting.Format.Keys;

namespace Reporting.Format.Protocol;

/// <summary>A server's signed word that it stored an envelope (docs/DESIGN.md D3): Ed25519 by its receipt key
/// over <c>"reporting receipt v1\n" + id + "\n" + SHA-256 of the envelope (hex) + "\n" + day</c>. A 201 alone
/// rests on TLS and its certificate authorities; a receipt rests on a key the organisation listed in the
/// signed roster, so nobody on the path can make a client drop a report the server never stored, and an
/// intermediary can keep the receipts as proof of delivery.</summary>
public static class Receipts
{
    static readonly byte[] Domain = "reporting receipt v1\n"u8.ToArray();

    static byte[] Signed(string id, string sha256Hex, string day) =>
        [.. Domain, .. Encoding.ASCII.GetBytes($"{id}\n{sha256Hex}\n{day}")];

    public static string Sign(SigningKey key, string id, string sha256Hex, string day)
    {
        if (key.Kind != SigningKeyKind.Receipt)
            throw new ArgumentException("receipts are signed with a receipt key", nameof(key));
        return Convert.ToBase64String(key.Sign(Signed(id, sha256Hex, day)));
    }

    /// <summary>False for a missing, malformed or wrong signature.</summary>
    public static bool Verify(PublicSigningKey key, string id, string sha256Hex, string? day, string? receipt)
    {
        if (key.Kind != SigningKeyKind.Receipt || day is null || receipt is null || !id.All(char.IsAsciiLetterOrDigit) || !day.All(c => char.IsAsciiDigit(c) || c == '-'))
            return false;
        var signature = new byte[64];
        return Convert.TryFromBase64String(receipt, signature, out var length) && length == 64
            && key.Verify(Signed(id, sha256Hex, day), signature);
    }
}
