using System.Security.Cryptography;
using System.Text;

namespace Reporting.Format.Age;

/// <summary>The parsed header of an age v1 file (stanzas and MAC), without opening anything.
/// The server uses it to check an envelope's shape.</summary>
public sealed class AgeHeader
{
    const string Intro = "age-encryption.org/v1";
    /// <summary>A body line holds 48 bytes, i.e. 64 base64 columns; only the last line is shorter.</summary>
    const int ColumnsPerLine = 64;
    /// <summary>Not in the spec: bounds what a hostile header can make us hold. Real headers are
    /// a few hundred bytes per recipient (a post-quantum stanza about 2 KiB).</summary>
    public const int MaxHeaderSize = 1 << 20;
    const int MacSize = 32;

    public required IReadOnlyList<Stanza> Stanzas { get; init; }

    /// <summary>The header's bytes as written, from the version line through <c>---</c>: what the MAC covers.</summary>
    internal byte[] MacInput { get; private init; } = [];
    internal byte[] Mac { get; private init; } = [];

    /// <summary>Parses the header from the start of <paramref name="source"/> (binary, not armored),
    /// leaving the stream positioned at the payload. Throws <see cref="AgeException"/> (MalformedHeader).</summary>
    public static AgeHeader Parse(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var reader = new LineReader(source);
        if (reader.ReadLine() != Intro)
            throw Malformed("the first line is not 'age-encryption.org/v1' (not an age file, or an unsupported version)");

        var stanzas = new List<Stanza>();
        while (true)
        {
            string line = reader.ReadLine();
            if (line.StartsWith("---", StringComparison.Ordinal))
            {
                // The MAC covers everything up to and including "---", not the space or the MAC.
                byte[] macInput = reader.Consumed[..(reader.Consumed.Length - line.Length - 1 + 3)];
                string[] parts = line.Split(' ');
                if (parts.Length != 2 || parts[0] != "---")
                    throw Malformed("the closing '---' line is not well formed");
                if (!Primitives.TryDecodeBase64(parts[1], out byte[] mac) || mac.Length != MacSize)
                    throw Malformed("the header MAC is not canonical base64 of 32 bytes");
                return new AgeHeader { Stanzas = stanzas, MacInput = macInput, Mac = mac };
            }
            if (!line.StartsWith("->", StringComparison.Ordinal))
                throw Malformed($"unexpected line {stanzas.Count + 2} in the header");

            string[] args = line.Split(' ');
            if (args[0] != "->" || args.Length < 2)
                throw Malformed("a stanza line has no type");
            foreach (string arg in args.AsSpan(1))
                if (!IsValidArgument(arg))
                    throw Malformed("a stanza argument is empty or has a character outside '!'..'~'");

            var body = new MemoryStream();
            while (true)
            {
                string bodyLine = reader.ReadLine();
                if (bodyLine.Length > ColumnsPerLine)
                    throw Malformed("a stanza body line is longer than 64 columns");
                if (!Primitives.TryDecodeBase64(bodyLine, out byte[] chunk))
                    throw Malformed("a stanza body line is not canonical unpadded base64");
                body.Write(chunk);
                // Only the last line of a body is short (possibly empty): it ends the stanza.
                if (bodyLine.Length < ColumnsPerLine) break;
            }
            stanzas.Add(new Stanza(args[1], args[2..], body.ToArray()));
        }
    }

    /// <summary>Encodes the header through <c>---</c> (what the MAC covers).</summary>
    internal static byte[] EncodeWithoutMac(IReadOnlyList<Stanza> stanzas)
    {
        var sb = new StringBuilder();
        sb.Append(Intro).Append('\n');
        foreach (var stanza in stanzas)
        {
            if (!IsValidArgument(stanza.Type) || !stanza.Arguments.All(IsValidArgument))
                throw new ArgumentException("A stanza type or argument is empty or has a character outside '!'..'~'.");
            sb.Append("-> ").Append(stanza.Type);
            foreach (string arg in stanza.Arguments) sb.Append(' ').Append(arg);
            sb.Append('\n');
            string body = Primitives.EncodeBase64(stanza.Body);
            int i = 0;
            for (; body.Length - i >= ColumnsPerLine; i += ColumnsPerLine)
                sb.Append(body, i, ColumnsPerLine).Append('\n');
            sb.Append(body, i, body.Length - i).Append('\n');
        }
        sb.Append("---");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    /// <summary>HMAC-SHA256 under HKDF(file key, "", "header") over the header through "---".</summary>
    internal static byte[] ComputeMac(ReadOnlySpan<byte> fileKey, ReadOnlySpan<byte> macInput)
    {
        Span<byte> macKey = stackalloc byte[32];
        try
        {
            Primitives.Hkdf(fileKey, default, "header"u8, macKey);
            return HMACSHA256.HashData(macKey, macInput);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(macKey);
        }
    }

    /// <summary>The whole header as written: through "---", then " MAC\n".</summary>
    internal static byte[] Encode(IReadOnlyList<Stanza> stanzas, ReadOnlySpan<byte> fileKey)
    {
        byte[] macInput = EncodeWithoutMac(stanzas);
        byte[] macLine = Encoding.ASCII.GetBytes(" " + Primitives.EncodeBase64(ComputeMac(fileKey, macInput)) + "\n");
        return [.. macInput, .. macLine];
    }

    /// <summary>True when the MAC verifies under <paramref name="fileKey"/>.</summary>
    internal bool VerifyMac(ReadOnlySpan<byte> fileKey) =>
        CryptographicOperations.FixedTimeEquals(ComputeMac(fileKey, MacInput), Mac);

    static bool IsValidArgument(string s) => s.Length > 0 && s.All(c => c is >= '!' and <= '~');

    static AgeException Malformed(string why) => new(AgeFailure.MalformedHeader, "malformed age header: " + why);

    /// <summary>Reads LF-terminated lines one byte at a time, so nothing past the header is consumed.</summary>
    sealed class LineReader(Stream source)
    {
        readonly MemoryStream consumed = new();

        public byte[] Consumed => consumed.ToArray();

        public string ReadLine()
        {
            long start = consumed.Length;
            while (true)
            {
                int b = source.ReadByte();
                if (b < 0) throw Malformed("the file ends inside the header");
                if (consumed.Length >= MaxHeaderSize) throw Malformed($"the header is longer than {MaxHeaderSize} bytes");
                if (b == '\n') break;
                // Only printable ASCII belongs in a header; this also refuses CR.
                if (b < 0x20 || b > 0x7e) throw Malformed("the header has a byte outside printable ASCII");
                consumed.WriteByte((byte)b);
            }
            string line = Encoding.ASCII.GetString(consumed.GetBuffer(), (int)start, (int)(consumed.Length - start));
            consumed.WriteByte((byte)'\n');
            return line;
        }
    }
}
