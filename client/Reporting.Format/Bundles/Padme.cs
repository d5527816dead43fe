namespace Reporting.Format.Bundles;

/// <summary>Padmé (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and Communication
/// with PURBs", PETS 2019): pad to a length whose low bits are zero, at most +12%, leaking O(log log n) bits.</summary>
public static class Padme
{
    public static long PaddedLength(long length) => throw new NotImplementedException();
}
