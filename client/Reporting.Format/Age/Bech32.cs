namespace Reporting.Format.Age;

/// <summary>BIP-173 Bech32 (not Bech32m), as age uses for keys: a checksum catches typos.
/// Unlike BIP-173, no 90-character limit (age's keys are longer).</summary>
public static class Bech32
{
    public static string Encode(string hrp, ReadOnlySpan<byte> data) => throw new NotImplementedException();
    /// <summary>Returns false on a bad checksum, mixed case, bad character or wrong padding.</summary>
    public static bool TryDecode(string encoded, out string hrp, out byte[] data) => throw new NotImplementedException();
}
