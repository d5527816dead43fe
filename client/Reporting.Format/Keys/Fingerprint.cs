using System.Security.Cryptography;

namespace Reporting.Format.Keys;

/// <summary>A short form of a public key to read aloud and compare: the first 80 bits of SHA-256 of the key,
/// in five groups of four hexadecimal digits. 80 bits: finding another key with the same fingerprint would
/// take about 2^80 tries, beyond any adversary, while a person can still compare it by phone.</summary>
public static class Fingerprint
{
    const int Bytes = 10;

    public static string Of(PublicSigningKey key)
    {
        var hex = Convert.ToHexString(SHA256.HashData(key.Bytes).AsSpan(0, Bytes));
        return string.Join('-', Enumerable.Range(0, hex.Length / 4).Select(i => hex.Substring(i * 4, 4)));
    }
}
