namespace Reporting.Format.Age;

/// <summary>BIP-173 Bech32 (not Bech32m), as age uses for keys: a checksum catches typos.
/// Unlike BIP-173, no 90-character limit (age's keys are longer).</summary>
public static class Bech32
{
    const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    static readonly uint[] Generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

    /// <summary>Encodes <paramref name="data"/> under <paramref name="hrp"/>. An uppercase
    /// <paramref name="hrp"/> gives an all-uppercase string (as age writes secret keys).</summary>
    public static string Encode(string hrp, ReadOnlySpan<byte> data)
    {
        ArgumentException.ThrowIfNullOrEmpty(hrp);
        bool upper = hrp.ToUpperInvariant() == hrp && hrp.ToLowerInvariant() != hrp;
        if (!upper && hrp.ToLowerInvariant() != hrp)
            throw new ArgumentException("The human-readable part must not mix cases.", nameof(hrp));
        foreach (char c in hrp)
            if (c < 33 || c > 126) throw new ArgumentException("The human-readable part has an invalid character.", nameof(hrp));
        string lowerHrp = hrp.ToLowerInvariant();

        // values may hold a secret key's bits: zeroed once the string is built.
        byte[] values = ConvertBits(data, 8, 5, pad: true)!;
        try
        {
            byte[] checksum = CreateChecksum(lowerHrp, values);
            var chars = new char[lowerHrp.Length + 1 + values.Length + checksum.Length];
            int n = 0;
            foreach (char c in upper ? hrp : lowerHrp) chars[n++] = c;
            chars[n++] = '1';
            foreach (byte v in values) chars[n++] = Letter(v, upper);
            foreach (byte v in checksum) chars[n++] = Letter(v, upper);
            string result = new(chars);
            Array.Clear(chars);
            return result;
        }
        finally
        {
            Array.Clear(values);
        }

        static char Letter(byte v, bool upper) => upper ? char.ToUpperInvariant(Charset[v]) : Charset[v];
    }

    /// <summary>Returns false on a bad checksum, mixed case, bad character or wrong padding.
    /// <paramref name="hrp"/> is returned as written (its case tells a secret from a public key).</summary>
    public static bool TryDecode(string encoded, out string hrp, out byte[] data)
    {
        hrp = "";
        data = [];
        if (encoded is null) return false;
        foreach (char c in encoded)
            if (c < 33 || c > 126) return false;
        string lower = encoded.ToLowerInvariant();
        if (lower != encoded && encoded.ToUpperInvariant() != encoded) return false;
        int separator = encoded.LastIndexOf('1');
        // At least one character of hrp and six of checksum.
        if (separator < 1 || separator + 7 > encoded.Length) return false;
        string hrpAsWritten = encoded[..separator];
        foreach (char c in hrpAsWritten)
            if (c < 33 || c > 126) return false;

        var values = new byte[encoded.Length - separator - 1];
        for (int i = 0; i < values.Length; i++)
        {
            int d = Charset.IndexOf(lower[separator + 1 + i]);
            if (d < 0) return false;
            values[i] = (byte)d;
        }
        if (Polymod(ExpandHrp(lower[..separator]), values) != 1) return false;
        byte[]? decoded = ConvertBits(values.AsSpan(0, values.Length - 6), 5, 8, pad: false);
        Array.Clear(values);
        if (decoded is null) return false;
        hrp = hrpAsWritten;
        data = decoded;
        return true;
    }

    static byte[] ExpandHrp(string hrp)
    {
        var result = new byte[hrp.Length * 2 + 1];
        for (int i = 0; i < hrp.Length; i++)
        {
            result[i] = (byte)(hrp[i] >> 5);
            result[i + hrp.Length + 1] = (byte)(hrp[i] & 31);
        }
        return result;
    }

    static uint Polymod(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        uint chk = 1;
        foreach (byte v in first) chk = Step(chk, v);
        foreach (byte v in second) chk = Step(chk, v);
        return chk;

        static uint Step(uint chk, byte v)
        {
            uint top = chk >> 25;
            chk = ((chk & 0x1ffffff) << 5) ^ v;
            for (int i = 0; i < 5; i++)
                if (((top >> i) & 1) != 0) chk ^= Generator[i];
            return chk;
        }
    }

    static byte[] CreateChecksum(string lowerHrp, byte[] values)
    {
        var all = new byte[values.Length + 6];
        values.CopyTo(all, 0);
        uint mod = Polymod(ExpandHrp(lowerHrp), all) ^ 1;
        Array.Clear(all);
        var checksum = new byte[6];
        for (int i = 0; i < 6; i++) checksum[i] = (byte)((mod >> (5 * (5 - i))) & 31);
        return checksum;
    }

    /// <summary>Regroups bits; without padding, leftover bits must be fewer than
    /// <paramref name="fromBits"/> and all zero, so every string has one decoding.</summary>
    static byte[]? ConvertBits(ReadOnlySpan<byte> data, int fromBits, int toBits, bool pad)
    {
        int acc = 0, bits = 0, n = 0;
        int maxv = (1 << toBits) - 1;
        int totalBits = data.Length * fromBits;
        var result = new byte[pad ? (totalBits + toBits - 1) / toBits : totalBits / toBits];
        foreach (byte value in data)
        {
            if (value >> fromBits != 0) return null;
            acc = ((acc << fromBits) | value) & 0xfffff;
            bits += fromBits;
            while (bits >= toBits)
            {
                bits -= toBits;
                result[n++] = (byte)((acc >> bits) & maxv);
            }
        }
        if (pad)
        {
            if (bits > 0) result[n++] = (byte)((acc << (toBits - bits)) & maxv);
        }
        else if (bits >= fromBits || ((acc << (toBits - bits)) & maxv) != 0)
        {
            Array.Clear(result);
            return null;
        }
        return result;
    }
}
