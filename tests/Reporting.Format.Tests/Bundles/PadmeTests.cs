using Reporting.Format.Bundles;
using Xunit;

namespace Reporting.Format.Tests.Bundles;

public class PadmeTests
{
    /// <summary>The paper's formula, written again the slow way (loops, no bit tricks) to check the real one.</summary>
    static long PaperFormula(long length)
    {
        if (length < 2)
            return length;
        var e = 0;
        while ((length >> (e + 1)) > 0)
            e++;
        var log2E = 0;
        while ((e >> (log2E + 1)) > 0)
            log2E++;
        var s = log2E + 1;
        var lastBits = e - s;
        long bitMask = 1;
        for (var i = 0; i < lastBits; i++)
            bitMask *= 2;
        bitMask -= 1;
        return (length + bitMask) & ~bitMask;
    }

    public static IEnumerable<object[]> Lengths()
    {
        var random = new Random(20230227);
        var lengths = new SortedSet<long> { 0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 100, 511, 512, 513, 1000, 1024, 1025, 4096, 65535, 65536, 65537, 1_000_000, 1L << 30, (1L << 30) + 1, 1L << 40, (1L << 40) + 12345 };
        for (var i = 0; i < 40; i++)
            lengths.Add(random.NextInt64(2, 1L << (2 + i)));
        return lengths.Select(l => new object[] { l });
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void PaddedLength_MatchesThePaperFormula(long length) =>
        Assert.Equal(PaperFormula(length), Padme.PaddedLength(length));

    [Theory]
    [InlineData(1000, 1024)]  // E=9, S=4: the low 5 bits are cleared
    [InlineData(1025, 1088)]  // E=10, S=4: the low 6 bits are cleared
    [InlineData(9, 10)]       // E=3, S=2: the low bit
    [InlineData(1, 1)]
    [InlineData(0, 0)]
    public void PaddedLength_KnownValues(long length, long padded) =>
        Assert.Equal(padded, Padme.PaddedLength(length));

    [Fact]
    public void PaddedLength_NeverShrinks_AndAddsAtMost12Percent()
    {
        for (long length = 0; length < 200_000; length++)
            CheckBound(length);
        var random = new Random(7);
        for (var i = 0; i < 10_000; i++)
            CheckBound(random.NextInt64(0, 1L << 50));

        static void CheckBound(long length)
        {
            var padded = Padme.PaddedLength(length);
            Assert.True(padded >= length, $"{length} shrank to {padded}");
            Assert.True(padded - length <= length * 0.12, $"{length} grew to {padded}, more than 12%");
        }
    }

    [Fact]
    public void PaddedLength_LeavesFewDistinctLengthsPerPowerOfTwo()
    {
        // That is the point of Padmé: within [2^E, 2^(E+1)) only about 2^S lengths remain, O(log log n) bits.
        for (var e = 4; e <= 18; e++)
        {
            var distinct = new HashSet<long>();
            for (var length = 1L << e; length < 1L << (e + 1); length++)
                distinct.Add(Padme.PaddedLength(length));
            var s = (int)Math.Floor(Math.Log2(e)) + 1;
            Assert.True(distinct.Count <= (1 << s) + 1, $"E={e}: {distinct.Count} distinct lengths");
        }
    }

    [Fact]
    public void PaddedLength_RefusesNegativeLengths() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Padme.PaddedLength(-1));
}
