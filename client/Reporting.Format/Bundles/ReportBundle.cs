using System.Formats.Tar;
using System.Security.Cryptography;

using Reporting.Format.IO;

namespace Reporting.Format.Bundles;

/// <summary>An attachment to put into a bundle; <see cref="Open"/> may be called twice (hash, then copy).
/// The stream it returns must be seekable (a file or memory stream), as a tar header states the size first.</summary>
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
public sealed record OpenedBundle(ReportDocument Document, IReadOnlyList<string> AttachmentPaths, IReadOnlyList<string> Warnings)
{
    /// <summary>Each attachment written, in bundle order, with what report.json says about it (null when nothing).</summary>
    public IReadOnlyList<SavedAttachment> Saved { get; init; } = [];
}

/// <summary>An attachment as it was written to disk: its path, the name the bundle gave it, its real size
/// and SHA-256 (lowercase hex), and report.json's entry for that name when there is one.</summary>
public sealed record SavedAttachment(string Path, string DeclaredName, long Size, string Sha256, ReportAttachment? Declared);

/// <summary>The plaintext inside an envelope: a tar with scrubbed headers (report.json, then attachments/NAME),
/// followed by zero bytes up to the Padmé length.</summary>
public static class ReportBundle
{
    public const string ReportEntryName = "report.json";
    public const string AttachmentsPrefix = "attachments/";

    /// <summary>rw-r--r--: no executable bit, nothing that says who made the file.</summary>
    const UnixFileMode EntryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Writes the bundle (and its padding) to <paramref name="sink"/>, typically an age sealing stream.
    /// Fills in each attachment's size and hash; returns the document as written. Attachment names are
    /// sanitised (see <see cref="AttachmentName"/>) and made distinct. Nothing is written anywhere else:
    /// no temporary file ever holds plaintext.</summary>
    public static ReportDocument Write(Stream sink, ReportDocument document, IReadOnlyList<AttachmentSource> attachments)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (!ReportDocument.Categories.Contains(document.Category))
            throw new ArgumentException($"unknown category; expected one of {string.Join(", ", ReportDocument.Categories)}", nameof(document));

        // First pass: measure and hash each attachment, so report.json (written first) can describe them.
        var names = new AttachmentNames();
        var described = new List<ReportAttachment>(attachments.Count);
        foreach (var attachment in attachments)
        {
            using var source = OpenSeekable(attachment);
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[81920];
            long size = 0;
            int read;
            while ((read = source.Read(buffer)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                size += read;
            }
            described.Add(new ReportAttachment(names.Claim(attachment.Name), size,
                Convert.ToHexStringLower(sha.GetHashAndReset()), attachment.MediaType, attachment.Scrubbed));
        }
        var written = document with { Schema = ReportDocument.CurrentSchema, Attachments = described };
        var json = written.ToJson();
        // Never seal what the reviewers' reader would refuse: the report would arrive and be unreadable.
        if (json.Length > new BundleLimits().MaxReportJsonBytes)
            throw new ArgumentException($"report.json would be {json.Length} bytes; a reader accepts at most {new BundleLimits().MaxReportJsonBytes}", nameof(document));

        var counted = new CountingWriteStream(sink);
        using (var tar = new TarWriter(counted, TarEntryFormat.Ustar, leaveOpen: true))
        {
            using (var jsonStream = new MemoryStream(json, writable: false))
                tar.WriteEntry(ScrubbedEntry(ReportEntryName, jsonStream));

            // Second pass: copy, checking each file still is what report.json says it is.
            for (var i = 0; i < attachments.Count; i++)
            {
                using var source = new HashingReadStream(OpenSeekable(attachments[i]));
                tar.WriteEntry(ScrubbedEntry(AttachmentsPrefix + described[i].Name, source));
                if (source.BytesRead != described[i].Size || source.HashHex() != described[i].Sha256)
                    throw new IOException($"attachment {VisibleText.Escape(attachments[i].Name)} changed while the report was being written");
            }
        }

        // Tar readers stop at the end-of-archive blocks, so zeros after them change nothing for `tar -x`.
        var padding = Padme.PaddedLength(counted.Count) - counted.Count;
        var zeros = new byte[(int)Math.Min(padding, 65536)];
        while (padding > 0)
        {
            var n = (int)Math.Min(padding, zeros.Length);
            sink.Write(zeros, 0, n);
            padding -= n;
        }
        return written;
    }

    /// <summary>Reads a decrypted bundle as hostile input and writes attachments under
    /// <paramref name="attachmentsDirectory"/> only (safe names, no links or devices, bounded sizes).
    /// Throws <see cref="InvalidDataException"/> when report.json is missing or invalid; anything wrong
    /// after it is skipped and reported in <see cref="OpenedBundle.Warnings"/>. Reads the stream to its end
    /// (within the limits) so that a truncated envelope is noticed.</summary>
    public static OpenedBundle Read(Stream plaintext, string attachmentsDirectory, BundleLimits limits) =>
        new BundleReader(plaintext, attachmentsDirectory, limits).Read();

    /// <summary>A header that says nothing about the machine, person or time that made it.</summary>
    static UstarTarEntry ScrubbedEntry(string name, Stream data) => new(TarEntryType.RegularFile, name)
    {
        ModificationTime = DateTimeOffset.UnixEpoch,
        Mode = EntryMode,
        Uid = 0,
        Gid = 0,
        UserName = "",
        GroupName = "",
        DataStream = data,
    };

    static Stream OpenSeekable(AttachmentSource attachment)
    {
        var stream = attachment.Open();
        if (!stream.CanSeek)
        {
            stream.Dispose();
            throw new ArgumentException("an attachment must open as a seekable stream (a file or memory stream)", nameof(attachment));
        }
        return stream;
    }

    /// <summary>Hashes what the tar writer reads from an attachment. Length and position are the inner
    /// stream's (the writer asks for them to fill in the size); a seek would spoil the hash, so it is refused.</summary>
    sealed class HashingReadStream(Stream inner) : Stream
    {
        readonly IncrementalHash sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        public long BytesRead { get; private set; }
        public string HashHex() => Convert.ToHexStringLower(sha.GetHashAndReset());
        public override bool CanRead => true;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            sha.AppendData(buffer[..n]);
            BytesRead += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                sha.Dispose();
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
