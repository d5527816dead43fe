using System.Text;
using Reporting.Format.Bundles;

namespace Reporting.Format.Replies;

/// <summary>The plaintext of a reviewer's answer (PROTOCOL.md, Replies): UTF-8 text, then zero bytes up to
/// its Padmé length, so the ciphertext's size says little about the answer's.</summary>
public static class ReplyText
{
    /// <summary>An answer is a message, not a file transfer; a bound keeps it easy to carry and to pad.</summary>
    public const int MaxBytes = 64 * 1024;

    public static byte[] Pad(ReadOnlySpan<byte> utf8Text)
    {
        if (utf8Text.IsEmpty || utf8Text.Length > MaxBytes)
            throw new ArgumentException($"An answer is 1 to {MaxBytes} bytes.", nameof(utf8Text));
        var padded = new byte[Padme.PaddedLength(utf8Text.Length)];
        utf8Text.CopyTo(padded);
        return padded;
    }

    /// <summary>Drops the padding and makes control and bidi characters visible: the text comes from outside.</summary>
    public static string Read(ReadOnlySpan<byte> plaintext)
    {
        var end = plaintext.Length;
        while (end > 0 && plaintext[end - 1] == 0)
            end--;
        var text = new UTF8Encoding(false, throwOnInvalidBytes: false).GetString(plaintext[..end]);
        return VisibleText.Escape(text, multiline: true);
    }
}
