using System.Globalization;
using System.Text;

namespace Reporting.Testing;

/// <summary>Builds tar archives header by header, to make the bundles an attacker would: any name, any type,
/// any declared size, broken checksums. Nothing here validates anything, on purpose.</summary>
public sealed class RawTar
{
    readonly MemoryStream archive = new();

    /// <summary>Adds an entry; <paramref name="declaredSize"/> overrides the size field (the data written stays <paramref name="data"/>).</summary>
    public RawTar Entry(string name, char type = '0', byte[]? data = null, long? declaredSize = null,
        string linkName = "", string magic = "ustar\0", string prefix = "", bool badChecksum = false, byte[]? sizeField = null)
    {
        data ??= [];
        var header = new byte[512];
        Put(header, 0, 100, Encoding.UTF8.GetBytes(name));
        Put(header, 100, 8, "0000644\0"u8.ToArray());
        Put(header, 108, 8, "0000000\0"u8.ToArray());
        Put(header, 116, 8, "0000000\0"u8.ToArray());
        var size = declaredSize ?? data.Length;
        var octal = Convert.ToString(size, 8).PadLeft(11, '0');
        Put(header, 124, 12, sizeField ?? Encoding.ASCII.GetBytes(octal.Length < 12 ? octal + "\0" : octal));
        Put(header, 136, 12, "00000000000\0"u8.ToArray());
        header[156] = (byte)type;
        Put(header, 157, 100, Encoding.UTF8.GetBytes(linkName));
        Put(header, 257, 6, Encoding.ASCII.GetBytes(magic));
        Put(header, 263, 2, "00"u8.ToArray());
        Put(header, 345, 155, Encoding.UTF8.GetBytes(prefix));
        for (var i = 148; i < 156; i++)
            header[i] = (byte)' ';
        var sum = header.Sum(b => (long)b) + (badChecksum ? 1 : 0);
        Put(header, 148, 8, Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 "));
        archive.Write(header);
        archive.Write(data);
        var pad = (512 - data.Length % 512) % 512;
        archive.Write(new byte[pad]);
        return this;
    }

    public RawTar File(string name, string text) => Entry(name, data: Encoding.UTF8.GetBytes(text));

    public RawTar Raw(byte[] bytes)
    {
        archive.Write(bytes);
        return this;
    }

    /// <summary>The archive with its two end blocks (unless left out) and <paramref name="padding"/> zero bytes.</summary>
    public byte[] Finish(bool endBlocks = true, int padding = 0)
    {
        if (endBlocks)
            archive.Write(new byte[1024]);
        archive.Write(new byte[padding]);
        return archive.ToArray();
    }

    /// <summary>A valid minimal report.json.</summary>
    public static string ReportJson(string text = "honest words", string extra = "") =>
        "{\"schema\":1,\"category\":\"illness\",\"region\":\"Jilin province\",\"when\":\"2023-02\",\"language\":\"en\",\"text\":"
        + System.Text.Json.JsonSerializer.Serialize(text) + extra + "}";

    static void Put(byte[] header, int offset, int length, byte[] value)
    {
        if (value.Length > length)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"field at {offset} holds {length} bytes, not {value.Length}"));
        value.CopyTo(header, offset);
    }
}
