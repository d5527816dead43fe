using System.Security.Cryptography;

namespace Reporting.Server.Storage;

/// <summary>Ids of reports and replies: 128 random bits, so an id reveals nothing (no order, no time)
/// and cannot be guessed. Written as 26 characters of lowercase base32 (RFC 4648, no padding).</summary>
public static class RandomId
{
    public const int Length = 26;
    const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string New()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        Span<char> text = stackalloc char[Length];
        int bits = 0, buffer = 0, written = 0;
        foreach (var b in bytes)
        {
            // Fewer than 5 bits are pending here: keep only those, so the buffer never grows.
            buffer = ((buffer & 0x1F) << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                text[written++] = Alphabet[(buffer >> bits) & 31];
            }
        }
        text[written] = Alphabet[(buffer << (5 - bits)) & 31];
        return new string(text);
    }

    /// <summary>True for something <see cref="New"/> could have produced; routes refuse anything else
    /// before it reaches the store.</summary>
    public static bool IsValid(string? id) =>
        id is { Length: Length } && id.All(c => c is >= 'a' and <= 'z' or >= '2' and <= '7');
}
