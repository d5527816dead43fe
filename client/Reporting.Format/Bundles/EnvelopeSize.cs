using Reporting.Format.Age;
using Reporting.Format.IO;

namespace Reporting.Format.Bundles;

/// <summary>The exact size of the envelope a report would be sealed into, known before sealing, so that a report
/// too large for the server is refused while the source can still change it (PROTOCOL.md "Limits").</summary>
public static class EnvelopeSize
{
    /// <summary>age's STREAM: 64 KiB of plaintext a chunk, each with a 16-byte tag; an empty payload is one chunk.</summary>
    const int ChunkBytes = 64 * 1024;
    const int TagBytes = 16;

    /// <summary>The bundle is written (not kept) to measure it exactly: report.json's length depends on each
    /// attachment's size and hash, and Padmé's step on the whole.</summary>
    public static long Of(ReportDocument document, IReadOnlyList<AttachmentSource> attachments, IReadOnlyList<IRecipient> recipients)
    {
        using var counting = new CountingWriteStream(Stream.Null);
        ReportBundle.Write(counting, document, attachments);
        return Sealed(counting.Count, recipients);
    }

    /// <summary>The binary age file for <paramref name="plaintextBytes"/> to these recipients: the header (measured
    /// by sealing nothing, as its stanzas' length depends on the recipients' kinds), the nonce, the chunks.</summary>
    public static long Sealed(long plaintextBytes, IReadOnlyList<IRecipient> recipients)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(plaintextBytes);
        using var empty = new CountingWriteStream(Stream.Null);
        AgeFile.Seal(empty, recipients, leaveOpen: true).Dispose();
        var chunks = Math.Max(1, (plaintextBytes + ChunkBytes - 1) / ChunkBytes);
        return empty.Count - TagBytes + plaintextBytes + chunks * TagBytes;
    }
}
