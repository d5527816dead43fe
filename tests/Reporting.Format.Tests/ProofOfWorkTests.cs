using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Reporting.Format.Protocol;
using Xunit;

namespace Reporting.Format.Tests;

public class ProofOfWorkTests
{
    static readonly byte[] Challenge = Encoding.ASCII.GetBytes("CfDJ8-example-challenge-token");

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(14)]
    public void Solve_FindsANonceThatVerifies(int difficulty)
    {
        var nonce = ProofOfWork.Solve(Challenge, difficulty);

        Assert.True(ProofOfWork.IsSolved(Challenge, nonce, difficulty));
        Assert.True(LeadingZeroBitsByHand(Challenge, nonce) >= difficulty);
    }

    [Fact]
    public void Solve_ReturnsTheFirstSolution_SoEarlierNoncesFail()
    {
        var nonce = ProofOfWork.Solve(Challenge, 12);

        for (ulong n = 0; n < nonce; n++)
            Assert.False(ProofOfWork.IsSolved(Challenge, n, 12));
    }

    [Fact]
    public void Solution_IsBoundToItsChallenge()
    {
        var nonce = ProofOfWork.Solve(Challenge, 16);
        var other = Encoding.ASCII.GetBytes("CfDJ8-example-challenge-tokeN");

        Assert.False(ProofOfWork.IsSolved(other, nonce, 16) && LeadingZeroBitsByHand(other, nonce) < 16);
        Assert.Equal(LeadingZeroBitsByHand(other, nonce) >= 16, ProofOfWork.IsSolved(other, nonce, 16));
    }

    [Fact]
    public void IsSolved_MatchesAnIndependentCount_ForManyNonces()
    {
        for (ulong n = 0; n < 2000; n++)
        {
            var zeros = LeadingZeroBitsByHand(Challenge, n);
            Assert.True(ProofOfWork.IsSolved(Challenge, n, zeros));
            Assert.False(ProofOfWork.IsSolved(Challenge, n, zeros + 1));
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(ProofOfWork.MaxDifficulty + 1)]
    public void Difficulty_OutOfRange_IsRefused(int difficulty)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ProofOfWork.IsSolved(Challenge, 0, difficulty));
    }

    [Fact]
    public void Solve_CanBeCancelled()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.Throws<OperationCanceledException>(() => ProofOfWork.Solve(Challenge, ProofOfWork.MaxDifficulty, cancel.Token));
    }

    [Theory]
    [InlineData(0, 20)]
    [InlineData(64 << 10, 20)]
    [InlineData((64 << 10) + 1, 20)]
    [InlineData(256 << 10, 21)]
    [InlineData((256 << 10) + 1, 21)]
    [InlineData(1 << 20, 22)]
    [InlineData(16 << 20, 24)]
    [InlineData(256 << 20, ProofOfWork.MaxDifficulty)]
    public void Work_GrowsOneBitPerFourfoldSize_AboveATypicalReport(long declaredLength, int bits) =>
        Assert.Equal(bits, ProofOfWork.DifficultyFor(20, declaredLength));

    static int LeadingZeroBitsByHand(byte[] challenge, ulong nonce)
    {
        var input = new byte[challenge.Length + 8];
        challenge.CopyTo(input, 0);
        BinaryPrimitives.WriteUInt64BigEndian(input.AsSpan(challenge.Length), nonce);
        var bits = string.Concat(SHA256.HashData(input).Select(b => Convert.ToString(b, 2).PadLeft(8, '0')));
        return bits.TakeWhile(c => c == '0').Count();
    }
}
