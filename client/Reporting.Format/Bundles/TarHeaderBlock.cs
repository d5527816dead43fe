using System.Text;

namespace Reporting.Format.Bundles;

/// <summary>One 512-byte tar header, read strictly. Bundles are read with this small parser rather than
/// System.Formats.Tar's reader because that reader honours pax and GNU long-name entries by buffering their
/// declared size in memory, and a crafted bundle can declare gigabytes; we only need the ustar fields that
/// <see cref="ReportBundle.Write"/> produces, and everything else is skipped by size within the limits.</summary>
internal readonly record struct TarHeaderBlock(string Name, char TypeFlag, long Size)
{
    public const int BlockSize = 512;

    public bool IsRegularFile => TypeFlag is '0' or '\0';
    public bool IsDirectory => TypeFlag == '5';

    /// <summary>What kind of entry this is, in words, for a warning.</summary>
    public string Kind => TypeFlag switch
    {
        '0' or '\0' or '7' => "file",
        '1' => "hard link",
        '2' => "symbolic link",
        '3' => "character device",
        '4' => "block device",
        '5' => "directory",
        '6' => "FIFO",
        'x' or 'g' => "pax extended header",
        'L' or 'K' => "GNU long name",
        'S' => "GNU sparse file",
        _ => "entry of unknown type",
    };

    /// <summary>The size rounded up to whole blocks, as the data occupies the archive.</summary>
    public long PaddedSize => Size % BlockSize == 0 ? Size : Size + (BlockSize - Size % BlockSize);

    public static bool IsZero(ReadOnlySpan<byte> block) => !block.ContainsAnyExcept((byte)0);

    /// <summary>Parses a header block; false with a reason when the checksum or size field is not valid.</summary>
    public static bool TryParse(ReadOnlySpan<byte> block, out TarHeaderBlock header, out string error)
    {
        header = default;
        if (block.Length != BlockSize)
        {
            error = "short header";
            return false;
        }
        if (!TryParseOctal(block.Slice(148, 8), out var declaredChecksum))
        {
            error = "bad checksum field";
            return false;
        }
        long unsignedSum = 0, signedSum = 0;
        for (var i = 0; i < BlockSize; i++)
        {
            var b = i is >= 148 and < 156 ? (byte)' ' : block[i];
            unsignedSum += b;
            signedSum += unchecked((sbyte)b);
        }
        if (declaredChecksum != unsignedSum && declaredChecksum != signedSum)
        {
            error = "header checksum does not match";
            return false;
        }
        if (!TryParseSize(block.Slice(124, 12), out var size))
        {
            error = "bad size field";
            return false;
        }

        var name = Field(block[..100]);
        // POSIX ustar keeps a path prefix at 345; GNU's "ustar  " magic uses those bytes for other things.
        if (block.Slice(257, 6).SequenceEqual("ustar\0"u8))
        {
            var prefix = Field(block.Slice(345, 155));
            if (prefix.Length > 0)
                name = prefix + "/" + name;
        }
        header = new TarHeaderBlock(name, (char)block[156], size);
        error = "";
        return true;
    }

    /// <summary>NUL-terminated text; invalid UTF-8 becomes U+FFFD, which names then refuse.</summary>
    static string Field(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
    }

    static bool TryParseSize(ReadOnlySpan<byte> field, out long size)
    {
        // GNU base-256: the high bit of the first byte set, then a big-endian number.
        if ((field[0] & 0x80) != 0)
        {
            size = 0;
            if ((field[0] & 0x40) != 0)
                return false; // negative
            var value = (ulong)(field[0] & 0x3F);
            foreach (var b in field[1..])
            {
                if (value > (ulong.MaxValue >> 8))
                {
                    size = long.MaxValue; // absurd: the limits refuse it
                    return true;
                }
                value = (value << 8) | b;
            }
            size = value > long.MaxValue ? long.MaxValue : (long)value;
            return true;
        }
        return TryParseOctal(field, out size);
    }

    /// <summary>Octal digits, optionally surrounded by spaces, ended by NUL or space.</summary>
    static bool TryParseOctal(ReadOnlySpan<byte> field, out long value)
    {
        value = 0;
        var i = 0;
        while (i < field.Length && field[i] == ' ')
            i++;
        var digits = 0;
        for (; i < field.Length && field[i] is >= (byte)'0' and <= (byte)'7'; i++, digits++)
        {
            if (digits >= 21)
                return false; // more than 63 bits
            value = (value << 3) | (long)(field[i] - '0');
        }
        for (; i < field.Length; i++)
            if (field[i] is not (0 or (byte)' '))
                return false;
        return digits > 0;
    }
}
