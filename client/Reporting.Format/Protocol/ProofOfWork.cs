using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Reporting.Format.Protocol;

/// <summary>Hashcash over a server challenge: find a nonce such that
/// SHA-256(challenge || nonce as 8 bytes big-endian) starts with <c>difficulty</c> zero bits.
/// Solving costs about 2^difficulty hashes; checking costs one.</summary>
public static class ProofOfWork
{
    /// <summary>Beyond 32 bits a solution would take a client hours: no honest server asks for it.</summary>
    public const int MaxDifficulty = 32;

    /// <summary>Challenges are short tokens; anything longer is not ours and not worth hashing.</summary>
    public const int MaxChallengeBytes = 1024;

    public static bool IsSolved(ReadOnlySpan<byte> challenge, ulong nonce, int difficultyBits)
    {
        CheckArguments(challenge, difficultyBits);
        Span<byte> input = stackalloc byte[challenge.Length + sizeof(ulong)];
        challenge.CopyTo(input);
        return Check(input, challenge.Length, nonce, difficultyBits);
    }

    public static ulong Solve(ReadOnlySpan<byte> challenge, int difficultyBits, CancellationToken cancellationToken = default, IProgress<long>? attempts = null)
    {
        CheckArguments(challenge, difficultyBits);
        Span<byte> input = stackalloc byte[challenge.Length + sizeof(ulong)];
        challenge.CopyTo(input);
        // Report progress every 2^16 attempts: often enough for a progress bar, rare enough to cost nothing.
        const ulong ReportEvery = 1 << 16;
        for (ulong nonce = 0; ; nonce++)
        {
            if (Check(input, challenge.Length, nonce, difficultyBits))
                return nonce;
            if ((nonce + 1) % ReportEvery == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                attempts?.Report((long)(nonce + 1));
            }
        }
    }

    static bool Check(Span<byte> input, int challengeLength, ulong nonce, int difficultyBits)
    {
        BinaryPrimitives.WriteUInt64BigEndian(input[challengeLength..], nonce);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input, hash);
        return LeadingZeroBits(hash) >= difficultyBits;
    }

    static int LeadingZeroBits(ReadOnlySpan<byte> hash)
    {
        var count = 0;
        foreach (var b in hash)
        {
            if (b != 0)
                return count + BitOperations.LeadingZeroCount((uint)b) - 24;
            count += 8;
        }
        return count;
    }

    static void CheckArguments(ReadOnlySpan<byte> challenge, int difficultyBits)
    {
        if (challenge.IsEmpty || challenge.Length > MaxChallengeBytes)
            throw new ArgumentException($"A challenge is 1 to {MaxChallengeBytes} bytes.", nameof(challenge));
        if (difficultyBits is < 0 or > MaxDifficulty)
            throw new ArgumentOutOfRangeException(nameof(difficultyBits), $"Difficulty is 0 to {MaxDifficulty} bits.");
    }
}
