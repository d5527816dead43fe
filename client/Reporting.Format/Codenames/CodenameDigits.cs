using System.Numerics;
using NSec.Cryptography;
using CryptographicOperations = System.Security.Cryptography.CryptographicOperations;

namespace Reporting.Format.Codenames;

/// <summary>A codename's digits form: 7 groups of 4 digits that any keyboard can type and any hand can write.
/// The first 25 digits are the 80 random bits as one number (10^25 &gt; 2^80), the last 3 a check, so a
/// wrong digit or two swapped groups are caught 999 times in 1000. See PROTOCOL.md, "Codename".</summary>
static class CodenameDigits
{
    public const int GroupCount = 7;
    const int GroupLength = 4;
    const int NumberDigits = 25;
    const int CheckDigits = 3;
    const int Length = NumberDigits + CheckDigits;

    static readonly byte[] CheckDomain = "reporting codename digits v1"u8.ToArray();

    /// <summary>True when the typed text holds digits and nothing but spacing and dashes: it is meant as digits.</summary>
    public static bool LooksLikeDigits(string normalised) =>
        normalised.Any(char.IsAsciiDigit) && normalised.All(c => char.IsAsciiDigit(c) || char.IsWhiteSpace(c) || c == '-');

    public static string Write(ReadOnlySpan<byte> random)
    {
        var number = new BigInteger(random, isUnsigned: true, isBigEndian: true);
        var digits = number.ToString("D" + NumberDigits, System.Globalization.CultureInfo.InvariantCulture) + Check(random);
        return string.Join(' ', Enumerable.Range(0, GroupCount).Select(g => digits.Substring(g * GroupLength, GroupLength)));
    }

    /// <summary>The 80 random bits the digits stand for, or the reason they do not.</summary>
    public static byte[]? Read(string normalised, out CodenameProblem? problem)
    {
        var digits = new string([.. normalised.Where(char.IsAsciiDigit)]);
        problem = null;
        if (digits.Length != Length)
        {
            problem = new CodenameProblem(CodenameProblemKind.WrongDigitCount, 0, null);
            return null;
        }
        if (Decode(digits) is { } random)
            return random;
        // Two neighbouring groups swapped (a line copied out of order) is named as such.
        for (var g = 0; g + 1 < GroupCount; g++)
        {
            var swapped = digits[..(g * GroupLength)] + digits.Substring((g + 1) * GroupLength, GroupLength)
                + digits.Substring(g * GroupLength, GroupLength) + digits[((g + 2) * GroupLength)..];
            if (Decode(swapped) is not null)
            {
                problem = new CodenameProblem(CodenameProblemKind.WrongOrder, g + 1, null);
                return null;
            }
        }
        problem = new CodenameProblem(CodenameProblemKind.ChecksumMismatch, 0, null);
        return null;
    }

    static byte[]? Decode(string digits)
    {
        var number = BigInteger.Parse(digits[..NumberDigits], System.Globalization.CultureInfo.InvariantCulture);
        if (number.GetByteCount(isUnsigned: true) > Codename.RandomBytes)
            return null;
        var random = new byte[Codename.RandomBytes];
        number.TryWriteBytes(random.AsSpan(Codename.RandomBytes - number.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        if (Check(random) == digits[NumberDigits..])
            return random;
        CryptographicOperations.ZeroMemory(random);
        return null;
    }

    /// <summary>3 digits: the first two bytes of SHA-256(domain || random), big-endian, modulo 1000.</summary>
    static string Check(ReadOnlySpan<byte> random)
    {
        Span<byte> input = stackalloc byte[CheckDomain.Length + Codename.RandomBytes];
        Span<byte> hash = stackalloc byte[32];
        try
        {
            CheckDomain.CopyTo(input);
            random.CopyTo(input[CheckDomain.Length..]);
            HashAlgorithm.Sha256.Hash(input, hash);
            return ((hash[0] << 8 | hash[1]) % 1000).ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
            CryptographicOperations.ZeroMemory(hash);
        }
    }
}
