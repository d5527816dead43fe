using System.Security.Cryptography;
using System.Text;

namespace Reporting.Server.Tests.Http;

/// <summary>Hand-made age headers for shapes no honest tool writes (wrong stanza types, cut payloads).
/// The server cannot check a header MAC without a key, so random MAC bytes are as good as real ones.</summary>
public static class Envelopes
{
    public static string X25519Stanza() => $"-> X25519 {B64(32)}\n{B64(32)}\n";
    public static string HybridStanza() => $"-> mlkem768x25519 {B64(1120)}\n{B64(32)}\n";
    public static string ScryptStanza() => $"-> scrypt {B64(16)} 18\n{B64(32)}\n";

    public static byte[] Handmade(IEnumerable<string> stanzas, int payloadBytes = 16 + 100)
    {
        var header = "age-encryption.org/v1\n" + string.Concat(stanzas) + $"--- {B64(32)}\n";
        return [.. Encoding.ASCII.GetBytes(header), .. RandomNumberGenerator.GetBytes(payloadBytes)];
    }

    static string B64(int bytes) => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=');
}
