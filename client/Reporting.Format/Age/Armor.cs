using Reporting.Format.IO;
using System.Buffers.Text;

namespace Reporting.Format.Age;

/// <summary>age's ASCII armor: strict PEM with type "AGE ENCRYPTED FILE", padded standard base64 in
/// 64-column lines, no headers. Strict so that one file has one armored form: LF or CRLF line ends,
/// whitespace only before the first and after the last line.</summary>
internal static class Armor
{
    public const string Header = "-----BEGIN AGE ENCRYPTED FILE-----";
    public const string Footer = "-----END AGE ENCRYPTED FILE-----";
    public const int ColumnsPerLine = 64;
    public const int BytesPerLine = ColumnsPerLine / 4 * 3;
    /// <summary>How much whitespace we skip before and after the armor before calling it garbage.</summary>
    public const int MaxWhitespace = 1024;

    public static bool IsWhitespace(int b) => b is ' ' or '\t' or '\r' or '\n';

    public static AgeException Malformed(string why) => new(AgeFailure.MalformedArmor, "malformed age armor: " + why);
}

/// <summary>Writes the armor around everything written to it; disposing writes the last line and the footer.</summary>
internal sealed class ArmorWriter : WriteOnlyStream
{
    const int LinesPerBlock = 1024;
    readonly System.IO.Stream inner;
    readonly bool leaveOpen;
    readonly byte[] pending = new byte[Armor.BytesPerLine];
    readonly byte[] encoded = new byte[LinesPerBlock * (Armor.ColumnsPerLine + 1)];
    int pendingCount;
    bool disposed;

    public ArmorWriter(System.IO.Stream inner, bool leaveOpen)
    {
        this.inner = inner;
        this.leaveOpen = leaveOpen;
        inner.Write(System.Text.Encoding.ASCII.GetBytes(Armor.Header + "\n"));
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (pendingCount > 0)
        {
            int take = Math.Min(buffer.Length, Armor.BytesPerLine - pendingCount);
            buffer[..take].CopyTo(pending.AsSpan(pendingCount));
            pendingCount += take;
            buffer = buffer[take..];
            if (pendingCount < Armor.BytesPerLine) return;
            inner.Write(encoded.AsSpan(0, EncodeLines(pending, encoded)));
            pendingCount = 0;
        }
        while (buffer.Length >= Armor.BytesPerLine)
        {
            int lines = Math.Min(buffer.Length / Armor.BytesPerLine, LinesPerBlock);
            int bytes = lines * Armor.BytesPerLine;
            inner.Write(encoded.AsSpan(0, EncodeLines(buffer[..bytes], encoded)));
            buffer = buffer[bytes..];
        }
        buffer.CopyTo(pending);
        pendingCount = buffer.Length;
    }

    /// <summary>Encodes whole lines (the input is a multiple of 48 bytes), each ending in LF.</summary>
    static int EncodeLines(ReadOnlySpan<byte> data, Span<byte> output)
    {
        int written = 0;
        for (int i = 0; i < data.Length; i += Armor.BytesPerLine)
        {
            Base64.EncodeToUtf8(data.Slice(i, Armor.BytesPerLine), output[written..], out _, out int n);
            written += n;
            output[written++] = (byte)'\n';
        }
        return written;
    }

    public override void Flush() => inner.Flush();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !disposed)
        {
            disposed = true;
            try
            {
                int n = 0;
                if (pendingCount > 0)
                {
                    Base64.EncodeToUtf8(pending.AsSpan(0, pendingCount), encoded, out _, out n);
                    encoded[n++] = (byte)'\n';
                }
                inner.Write(encoded.AsSpan(0, n));
                inner.Write(System.Text.Encoding.ASCII.GetBytes(Armor.Footer + "\n"));
                inner.Flush();
            }
            finally
            {
                if (!leaveOpen) inner.Dispose();
            }
        }
        base.Dispose(disposing);
    }
}

/// <summary>Reads the bytes inside an armored file, refusing anything not canonical
/// (<see cref="AgeFailure.MalformedArmor"/>). Does not own its inner stream.</summary>
internal sealed class ArmorReader(System.IO.Stream inner) : ReadOnlyStream
{
    // Longest line we look at: 64 columns and CRLF; anything longer is refused anyway.
    const int MaxLine = Armor.MaxWhitespace + Armor.ColumnsPerLine + 2;
    readonly byte[] input = new byte[64 * 1024];
    int inputStart, inputEnd;
    bool inputEof;

    readonly byte[] line = new byte[Armor.BytesPerLine];
    int lineStart, lineEnd;
    bool started, finished;

    public override int Read(Span<byte> buffer)
    {
        int total = 0;
        while (buffer.Length > 0)
        {
            if (lineStart == lineEnd)
            {
                if (finished || (total > 0 && !LineAvailable())) break;
                DecodeNextLine();
                if (lineStart == lineEnd) continue;
            }
            int n = Math.Min(buffer.Length, lineEnd - lineStart);
            line.AsSpan(lineStart, n).CopyTo(buffer);
            lineStart += n;
            buffer = buffer[n..];
            total += n;
        }
        return total;
    }

    /// <summary>True when a whole line is buffered, so decoding it will not block on the inner stream.</summary>
    bool LineAvailable() => input.AsSpan(inputStart, inputEnd - inputStart).Contains((byte)'\n');

    void DecodeNextLine()
    {
        if (!started)
        {
            SkipWhitespace();
            if (!ReadLine(out var first) || !first.SequenceEqual(System.Text.Encoding.ASCII.GetBytes(Armor.Header)))
                throw Armor.Malformed($"not an age file: it starts neither with 'age-encryption.org/v1' nor, after whitespace, with '{Armor.Header}'");
            started = true;
        }
        if (!ReadLine(out var text))
            throw Armor.Malformed("the file ends before the footer");
        if (IsFooter(text))
        {
            Finish();
            return;
        }
        int n = DecodeLine(text, line);
        lineStart = 0;
        lineEnd = n;
        if (n < Armor.BytesPerLine)
        {
            // Only the last line is short, and it is not empty.
            if (!ReadLine(out var footer) || !IsFooter(footer))
                throw Armor.Malformed("a short line is not followed by the footer");
            Finish();
        }
    }

    static bool IsFooter(ReadOnlySpan<byte> text) => text.SequenceEqual("-----END AGE ENCRYPTED FILE-----"u8);

    static int DecodeLine(ReadOnlySpan<byte> text, Span<byte> output)
    {
        if (text.Length > Armor.ColumnsPerLine) throw Armor.Malformed("a line is longer than 64 columns");
        if (text.Length == 0 || text.Length % 4 != 0) throw Armor.Malformed("a line is empty or not a whole number of base64 groups");
        foreach (byte c in text)
            if (!Primitives.IsBase64Letter(c) && c != '=') throw Armor.Malformed("a line has a character outside base64");
        if (Base64.DecodeFromUtf8(text, output, out int consumed, out int written) != System.Buffers.OperationStatus.Done || consumed != text.Length)
            throw Armor.Malformed("a line is not valid padded base64");
        // Canonical: the unused bits of the last group are zero, so re-encoding gives the same text.
        Span<byte> again = stackalloc byte[Armor.ColumnsPerLine];
        Base64.EncodeToUtf8(output[..written], again, out _, out int length);
        if (!again[..length].SequenceEqual(text)) throw Armor.Malformed("a line is not canonical base64");
        return written;
    }

    /// <summary>After the footer: an optional line end, then only whitespace.</summary>
    void Finish()
    {
        finished = true;
        int skipped = 0;
        while (true)
        {
            if (inputStart == inputEnd && !Fill()) return;
            while (inputStart < inputEnd)
            {
                if (!Armor.IsWhitespace(input[inputStart])) throw Armor.Malformed("data follows the footer");
                inputStart++;
                if (++skipped > Armor.MaxWhitespace) throw Armor.Malformed("too much whitespace follows the footer");
            }
        }
    }

    void SkipWhitespace()
    {
        int skipped = 0;
        while (true)
        {
            if (inputStart == inputEnd && !Fill()) return;
            if (!Armor.IsWhitespace(input[inputStart])) return;
            inputStart++;
            if (++skipped > Armor.MaxWhitespace) throw Armor.Malformed("too much whitespace before the header");
        }
    }

    /// <summary>Reads one line without its LF or CRLF; false at the end of input. The last line may lack its LF.</summary>
    bool ReadLine(out ReadOnlySpan<byte> text)
    {
        while (true)
        {
            int newline = input.AsSpan(inputStart, inputEnd - inputStart).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                text = TrimCr(input.AsSpan(inputStart, newline));
                inputStart += newline + 1;
                return true;
            }
            if (inputEnd - inputStart > MaxLine) throw Armor.Malformed("a line is too long");
            if (!Fill())
            {
                text = TrimCr(input.AsSpan(inputStart, inputEnd - inputStart));
                bool any = inputEnd > inputStart;
                inputStart = inputEnd;
                return any;
            }
        }

        static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> s) => s.Length > 0 && s[^1] == '\r' ? s[..^1] : s;
    }

    /// <summary>Reads more input after what is buffered; false at the end of the inner stream.</summary>
    bool Fill()
    {
        if (inputEof) return false;
        if (inputStart > 0)
        {
            input.AsSpan(inputStart, inputEnd - inputStart).CopyTo(input);
            inputEnd -= inputStart;
            inputStart = 0;
        }
        int n = inner.Read(input.AsSpan(inputEnd));
        if (n == 0)
        {
            inputEof = true;
            return false;
        }
        inputEnd += n;
        return true;
    }
}
