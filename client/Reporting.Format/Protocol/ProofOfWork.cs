using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Reporting.Format.Protocol;

/// <summary>Hashcash over a server challenge: find a nonce such that
/// SHA-256(challenge || nonce as 8 bytes big-endian) starts with <c>difficulty</c> zero bits.
/// Solving costs about 2^difficulty hashes; checking costs one. The work grows with the size of the
/// upload it pays for (<see cref="DifficultyFor"/>).</summary>
public static class ProofOfWork
{
    /// <summary>2^26 hashes is about a minute of a phone-class CPU (a million hashes a second): a client refuses
    /// to start anything longer, and a server may not be configured to ask for it.</summary>
    public const int MaxDifficulty = 26;

    /// <summary>Envelopes up to this size cost the challenge's own difficulty: a typical text report.</summary>
    public const long BaseEnvelopeBytes = 64 << 10;

    /// <summary>The bits a solution needs for an upload of <paramref name="declaredLength"/> bytes: the challenge's
    /// <paramref name="baseDifficulty"/> up to 64 KiB, one more bit for each fourfold size beyond (256 KiB +1,
    /// 1 MiB +2, … 256 MiB +6). An upload that holds a server's capacity for longer costs more; the work grows as
    /// the square root of the size, so a large report costs an honest source minutes, not hours.</summary>
    public static int DifficultyFor(int baseDifficulty, long declaredLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(baseDifficulty);
        ArgumentOutOfRangeException.ThrowIfNegative(declaredLength);
        var units = (declaredLength + BaseEnvelopeBytes - 1) / BaseEnvelopeBytes;
        var extra = units <= 1 ? 0 : BitOperations.Log2((ulong)units) / 2;
        return baseDifficulty + extra;
    }

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
