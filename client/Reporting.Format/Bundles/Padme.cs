using System.Numerics;

namespace Reporting.Format.Bundles;

/// <summary>Padmé (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and Communication
/// with PURBs", PETS 2019): pad to a length whose low bits are zero, at most +12%, leaking O(log log n) bits.</summary>
public static class Padme
{
    /// <summary>The padded length for a plaintext of <paramref name="length"/> bytes:
    /// E = ⌊log2 L⌋, S = ⌊log2 E⌋ + 1, the low E − S bits are rounded up to zero.
    /// Below 2 bytes there is nothing to hide (log2 E is undefined), so the length stays as it is.</summary>
    public static long PaddedLength(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length < 2)
            return length;
        var e = BitOperations.Log2((ulong)length);
        var s = BitOperations.Log2((uint)e) + 1;
        var lastBits = e - s;
        var bitMask = (1L << lastBits) - 1;
        return (length + bitMask) & ~bitMask;
    }
}
