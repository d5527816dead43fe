namespace Reporting.Format.Bundles;

/// <summary>An attachment to put into a bundle; <see cref="Open"/> may be called twice (hash, then copy).</summary>
public sealed record AttachmentSource(string Name, string MediaType, bool Scrubbed, Func<Stream> Open);

/// <summary>Limits when reading a bundle that may have been crafted to attack the reviewer.</summary>
public sealed record BundleLimits
{
    public long MaxReportJsonBytes { get; init; } = 1 << 20;
    public long MaxAttachmentBytes { get; init; } = 256L << 20;
    public long MaxTotalBytes { get; init; } = 1L << 30;
    public int MaxAttachments { get; init; } = 64;
}

/// <summary>What was read from a bundle: the document and what was written where, plus problems skipped.</summary>
public sealed record OpenedBundle(ReportDocument Document, IReadOnlyList<string> AttachmentPaths, IReadOnlyList<string> Warnings);

/// <summary>The plaintext inside an envelope: a tar with scrubbed headers (report.json, then attachments/NAME),
/// followed by zero bytes up to the Padmé length.</summary>
public static class ReportBundle
{
    /// <summary>Writes the bundle (and its padding) to <paramref name="sink"/>, typically an age sealing stream.
    /// Fills in each attachment's size and hash; returns the document as written.</summary>
    public static ReportDocument Write(Stream sink, ReportDocument document, IReadOnlyList<AttachmentSource> attachments)
        => throw new NotImplementedException();

    /// <summary>Reads a decrypted bundle as hostile input and writes attachments under
    /// <paramref name="attachmentsDirectory"/> only (safe names, no links or devices, bounded sizes).
    /// Throws <see cref="InvalidDataException"/> when report.json is missing or invalid.</summary>
    public static OpenedBundle Read(Stream plaintext, string attachmentsDirectory, BundleLimits limits)
        => throw new NotImplementedException();
}
