using System.Buffers;
using Reporting.Format.Age;

namespace Reporting.Server.Reports;

public enum ShapeProblem
{
    None,
    /// <summary>Not an age v1 binary header (armored, garbage, or cut inside the header).</summary>
    MalformedHeader,
    /// <summary>A stanza other than a well-formed one of the kind expected (scrypt, a plugin, a classic X25519
    /// stanza for a post-quantum roster, …), or stanzas of two kinds.</summary>
    ForeignStanza,
    /// <summary>Not exactly one stanza per reviewer of the roster version named (or, for a reply, not one
    /// or two).</summary>
    WrongStanzaCount,
    /// <summary>The payload cannot be an age STREAM of any content (cut inside a chunk, or empty).</summary>
    MalformedPayload,
}

/// <summary>The shape checks of D6, done before anything is kept. The server holds no key, so it cannot
/// tell which reviewer a stanza is for; it can insist that the envelope is age, is sealed only with
/// recipients of the roster's kind (post-quantum hybrid or X25519), as many as the roster names (no
/// passphrase stanza a server operator could brute-force, no extra recipient, no classic stanza that
/// would undo a hybrid roster's quantum resistance), and that the payload's length is possible.</summary>
public static class EnvelopeShape
{
    /// <summary>Header bytes read at most, so a hostile "header" cannot make the parser read the whole upload.
    /// An X25519 stanza takes about 100 bytes, a hybrid one about 1.56 KB: 64 KiB holds 42 hybrid reviewers
    /// (hundreds of classic ones), beyond the 32 a roster is meant to carry.</summary>
    public const int MaxHeaderBytes = 64 << 10;

    // age STREAM: a 16-byte nonce, then 64 KiB chunks each followed by a 16-byte Poly1305 tag.
    const long NonceBytes = 16;
    const long TagBytes = 16;
    const long ChunkBytes = 64 << 10;

    // An X25519 stanza: one argument, the 32-byte ephemeral share as unpadded base64 (43 characters).
    // A hybrid one: one argument, the 1120-byte X-Wing enc as unpadded base64 (1494 characters).
    // Either has a 32-byte body (the wrapped 16-byte file key and its tag).
    const int ShareBase64Length = 43;
    const int EncBase64Length = 1494;
    const int StanzaBodyBytes = 32;

    /// <summary>Exactly <paramref name="reviewers"/> stanzas, all of <paramref name="kind"/>.</summary>
    /// <param name="envelope">Seekable, positioned at the start.</param>
    public static ShapeProblem Check(Stream envelope, long length, int reviewers, KeyKind kind) =>
        Check(envelope, length, reviewers, reviewers, kind);

    /// <summary>Between <paramref name="minStanzas"/> and <paramref name="maxStanzas"/> stanzas, all of
    /// <paramref name="kind"/>, or (when null) all of either kind.</summary>
    public static ShapeProblem Check(Stream envelope, long length, int minStanzas, int maxStanzas, KeyKind? kind)
    {
        AgeHeader header;
        long headerLength;
        // The parser sees a bounded copy of the start, in memory: it cannot read the whole upload, and
        // it reads from memory rather than from the file a byte at a time.
        var prefix = ArrayPool<byte>.Shared.Rent((int)Math.Min(length, MaxHeaderBytes));
        try
        {
            var prefixLength = (int)Math.Min(length, MaxHeaderBytes);
            envelope.ReadExactly(prefix, 0, prefixLength);
            using var view = new MemoryStream(prefix, 0, prefixLength, writable: false);
            header = AgeHeader.Parse(view);
            headerLength = view.Position;
        }
        catch (Exception e) when (e is AgeException or EndOfStreamException or FormatException or InvalidDataException)
        {
            return ShapeProblem.MalformedHeader;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(prefix);
        }

        var expected = kind ?? KindOf(header.Stanzas.FirstOrDefault());
        foreach (var stanza in header.Stanzas)
        {
            if (KindOf(stanza) is not { } found || found != expected)
                return ShapeProblem.ForeignStanza;
        }
        if (header.Stanzas.Count < minStanzas || header.Stanzas.Count > maxStanzas)
            return ShapeProblem.WrongStanzaCount;
        return IsPossiblePayloadLength(length - headerLength) ? ShapeProblem.None : ShapeProblem.MalformedPayload;
    }

    /// <summary>The kind of a well-formed X25519 or hybrid stanza; null for anything else.</summary>
    static KeyKind? KindOf(Stanza? stanza) => stanza switch
    {
        { Type: "X25519", Arguments: [{ Length: ShareBase64Length }], Body.Length: StanzaBodyBytes } => KeyKind.X25519,
        { Type: "mlkem768x25519", Arguments: [{ Length: EncBase64Length }], Body.Length: StanzaBodyBytes } => KeyKind.Hybrid,
        _ => null,
    };

    /// <summary>Every chunk but the last is full; the last holds 1 to 64 KiB (or 0 bytes if it is the
    /// only one), and each carries a tag.</summary>
    public static bool IsPossiblePayloadLength(long payload)
    {
        var chunks = payload - NonceBytes;
        if (chunks < TagBytes)
            return false;
        var last = chunks % (ChunkBytes + TagBytes);
        if (last == 0)
            return true;
        if (last < TagBytes)
            return false;
        // An empty final chunk is allowed only when it is the whole payload.
        return last > TagBytes || chunks == TagBytes;
    }
}
