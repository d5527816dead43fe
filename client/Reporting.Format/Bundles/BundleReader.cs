using System.Security.Cryptography;

namespace Reporting.Format.Bundles;

/// <summary>Reads one decrypted bundle as hostile input (D12): only regular files at <c>report.json</c> and
/// <c>attachments/NAME</c> are taken; links, devices, FIFOs, stray directories, <c>..</c>, absolute and
/// duplicate names are skipped with a warning; sizes and entry counts are bounded; each attachment is created
/// new (never over an existing file or link), without execute bits, inside the given folder only, under an
/// inert ending (<see cref="AttachmentName.Inert"/>).</summary>
internal sealed class BundleReader(Stream input, string attachmentsDirectory, BundleLimits limits)
{
    const int Block = TarHeaderBlock.BlockSize;
    /// <summary>A few entries beyond the attachments we keep (report.json, the attachments folder, oddities).</summary>
    const int ExtraEntries = 16;

    readonly string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(attachmentsDirectory));
    readonly List<string> warnings = [];
    readonly List<string> paths = [];
    readonly List<(string EntryName, string Path, long Size, string Sha256)> written = [];
    readonly AttachmentNames names = new(inert: true);
    readonly HashSet<string> seen = new(StringComparer.Ordinal);
    readonly byte[] header = new byte[Block];
    readonly byte[] buffer = new byte[64 * 1024];
    long consumed;

    public OpenedBundle Read()
    {
        var document = ReadReportJson();
        if (!ReportDocument.Categories.Contains(document.Category))
            warnings.Add($"report.json has a category this tool does not know: {VisibleText.Escape(document.Category)}");
        if (ReadEntries())
            ReadPadding();
        CompareWithDocument(document);
        var saved = written.Select(w => new SavedAttachment(w.Path, w.EntryName, w.Size, w.Sha256,
            document.Attachments.FirstOrDefault(a => a.Name == w.EntryName))).ToList();
        return new OpenedBundle(document, paths, warnings) { Saved = saved };
    }

    ReportDocument ReadReportJson()
    {
        var status = ReadHeader(out var first, out var error);
        if (status != HeaderStatus.Entry)
            throw new InvalidDataException(status == HeaderStatus.Damaged ? $"not a report bundle: {error}" : "not a report bundle: it is empty");
        if (!first.IsRegularFile || first.Name != ReportBundle.ReportEntryName)
            throw new InvalidDataException("not a report bundle: it does not start with report.json");
        if (first.Size > limits.MaxReportJsonBytes)
            throw new InvalidDataException($"report.json is larger than the limit of {limits.MaxReportJsonBytes} bytes");
        seen.Add(first.Name);
        var json = new byte[first.Size];
        if (ReadFully(json) != json.Length || !Skip(first.PaddedSize - first.Size))
            throw new InvalidDataException("the bundle ends inside report.json");
        return ReportDocument.Parse(json);
    }

    /// <summary>Reads entries up to the end-of-archive block. False when reading had to stop early.</summary>
    bool ReadEntries()
    {
        var entries = 1;
        var attachments = 0;
        while (true)
        {
            var status = ReadHeader(out var entry, out var error);
            if (status == HeaderStatus.End)
                return true;
            if (status == HeaderStatus.EndOfStream)
            {
                warnings.Add("the archive has no end marker");
                return false;
            }
            if (status == HeaderStatus.Damaged)
            {
                warnings.Add($"a damaged entry header ({error}); the rest of the bundle was not read");
                return false;
            }
            if (++entries > limits.MaxAttachments + ExtraEntries)
            {
                warnings.Add($"more than {limits.MaxAttachments + ExtraEntries} entries; the rest of the bundle was not read");
                return false;
            }
            if (entry.Size > limits.MaxTotalBytes || consumed + entry.PaddedSize > limits.MaxTotalBytes)
            {
                warnings.Add($"{Describe(entry)} declares {entry.Size} bytes, beyond the limit of {limits.MaxTotalBytes} for the bundle; the rest was not read");
                return false;
            }

            var refusal = Refusal(entry);
            if (refusal is not null)
            {
                if (refusal.Length > 0)
                    warnings.Add($"{Describe(entry)} skipped: {refusal}");
                if (!Skip(entry.PaddedSize))
                    return Truncated(entry);
                continue;
            }
            if (++attachments > limits.MaxAttachments)
            {
                warnings.Add($"{Describe(entry)} skipped: more than {limits.MaxAttachments} attachments");
                if (!Skip(entry.PaddedSize))
                    return Truncated(entry);
                continue;
            }
            if (entry.Size > limits.MaxAttachmentBytes)
            {
                warnings.Add($"{Describe(entry)} skipped: {entry.Size} bytes, beyond the limit of {limits.MaxAttachmentBytes} for one attachment");
                if (!Skip(entry.PaddedSize))
                    return Truncated(entry);
                continue;
            }
            if (!WriteAttachment(entry))
                return Truncated(entry);
        }
    }

    /// <summary>Why an entry is not taken as an attachment: null to take it, "" to skip it silently.</summary>
    string? Refusal(TarHeaderBlock entry)
    {
        var name = entry.Name;
        if (name.Length == 0)
            return "it has no name";
        if (name[0] is '/' or '\\' || (name.Length >= 2 && name[1] == ':'))
            return "an absolute path";
        var segments = name.Split('/', '\\');
        if (segments.Contains(".."))
            return "a path that leaves its folder (..)";
        if (entry.IsDirectory && name.TrimEnd('/') + "/" == ReportBundle.AttachmentsPrefix)
            return "";
        if (!entry.IsRegularFile)
            return $"a {entry.Kind} is never part of a report";
        if (!seen.Add(name))
            return "a second entry with this name";
        if (!name.StartsWith(ReportBundle.AttachmentsPrefix, StringComparison.Ordinal))
            return "not a place where a report keeps files";
        var fileName = name[ReportBundle.AttachmentsPrefix.Length..];
        if (fileName.Length == 0 || fileName.Contains('/') || fileName.Contains('\\'))
            return "attachments are files directly inside attachments/";
        return null;
    }

    /// <summary>Copies one attachment into a new file. False when the bundle ends inside it.</summary>
    bool WriteAttachment(TarHeaderBlock entry)
    {
        var declaredName = entry.Name[ReportBundle.AttachmentsPrefix.Length..];
        var path = CreateTarget(declaredName, out var file);
        if (file is null)
        {
            warnings.Add($"{Describe(entry)} skipped: no free file name for it");
            return Skip(entry.PaddedSize);
        }
        var complete = false;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            using (file)
            {
                var remaining = entry.Size;
                while (remaining > 0)
                {
                    var n = ReadFully(buffer.AsSpan(0, (int)Math.Min(remaining, buffer.Length)));
                    if (n == 0)
                        return false;
                    file.Write(buffer, 0, n);
                    sha.AppendData(buffer, 0, n);
                    remaining -= n;
                }
            }
            complete = Skip(entry.PaddedSize - entry.Size);
        }
        finally
        {
            if (!complete)
                File.Delete(path);
        }
        var safeName = Path.GetFileName(path);
        if (safeName != declaredName)
            warnings.Add($"attachment {VisibleText.Escape(declaredName)} saved as {VisibleText.Escape(safeName)}");
        paths.Add(path);
        written.Add((declaredName, path, entry.Size, Convert.ToHexStringLower(sha.GetHashAndReset())));
        return true;
    }

    /// <summary>A new file under the attachments folder with a safe name not yet used; the check on the full
    /// path is a second lock behind the name rules, and CreateNew never follows or replaces an existing link.</summary>
    string CreateTarget(string declaredName, out FileStream? file)
    {
        Directory.CreateDirectory(root);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var path = Path.GetFullPath(Path.Join(root, names.Claim(declaredName)));
            if (!string.Equals(Path.GetDirectoryName(path), root, StringComparison.Ordinal))
                throw new InvalidOperationException("an attachment name escaped its folder"); // the name rules make this unreachable
            if (Path.Exists(path)) // true for links too, even dangling ones
                continue;
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
                // The reviewer's eyes only: no execute bit, nobody else may read it.
                if (!OperatingSystem.IsWindows())
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                file = new FileStream(path, options);
                return path;
            }
            catch (IOException) when (Path.Exists(path))
            {
                // Lost a race with something else creating the name: try the next one.
            }
        }
        file = null;
        return "";
    }

    /// <summary>After the end-of-archive block: Padmé zeros. Read to the end so that a truncated envelope
    /// is noticed by the decrypting stream, within a bound so that endless padding cannot pin the reader.</summary>
    void ReadPadding()
    {
        var bound = Padme.PaddedLength(limits.MaxTotalBytes);
        var nonZero = false;
        while (true)
        {
            if (consumed > bound)
            {
                warnings.Add("more padding than a bundle has; the rest was not read");
                return;
            }
            var n = input.Read(buffer);
            if (n == 0)
                break;
            consumed += n;
            nonZero |= buffer.AsSpan(0, n).ContainsAnyExcept((byte)0);
        }
        if (nonZero)
            warnings.Add("bytes other than zeros after the archive were ignored");
    }

    void CompareWithDocument(ReportDocument document)
    {
        foreach (var (entryName, path, size, sha256) in written)
        {
            var declared = document.Attachments.FirstOrDefault(a => a.Name == entryName);
            var shown = VisibleText.Escape(Path.GetFileName(path));
            if (declared is null)
                warnings.Add($"attachment {shown} is not listed in report.json");
            else if (declared.Size != size || !string.Equals(declared.Sha256, sha256, StringComparison.OrdinalIgnoreCase))
                warnings.Add($"attachment {shown} differs from what report.json says about it (size or SHA-256)");
        }
        foreach (var declared in document.Attachments)
            if (!written.Any(w => w.EntryName == declared.Name))
                warnings.Add($"report.json lists attachment {VisibleText.Escape(declared.Name)}, which is not in the bundle");
    }

    enum HeaderStatus { Entry, End, EndOfStream, Damaged }

    HeaderStatus ReadHeader(out TarHeaderBlock entry, out string error)
    {
        entry = default;
        error = "";
        var n = ReadFully(header);
        if (n == 0)
            return HeaderStatus.EndOfStream;
        if (n < Block)
        {
            error = "the bundle ends inside a header";
            return HeaderStatus.Damaged;
        }
        if (TarHeaderBlock.IsZero(header))
            return HeaderStatus.End;
        return TarHeaderBlock.TryParse(header, out entry, out error) ? HeaderStatus.Entry : HeaderStatus.Damaged;
    }

    bool Truncated(TarHeaderBlock entry)
    {
        warnings.Add($"the bundle ends inside {Describe(entry)}");
        return false;
    }

    static string Describe(TarHeaderBlock entry) => $"{entry.Kind} {VisibleText.Escape(entry.Name)}";

    int ReadFully(Span<byte> target)
    {
        var n = input.ReadAtLeast(target, target.Length, throwOnEndOfStream: false);
        consumed += n;
        return n;
    }

    /// <summary>Reads and drops <paramref name="count"/> bytes; false when the stream ends first.</summary>
    bool Skip(long count)
    {
        while (count > 0)
        {
            var n = ReadFully(buffer.AsSpan(0, (int)Math.Min(count, buffer.Length)));
            if (n == 0)
                return false;
            count -= n;
        }
        return true;
    }
}
