using Reporting.Cli;
using Reporting.Format.Bundles;
using Reporting.Report.Text;

namespace Reporting.Report.Attachments;

/// <summary>An attachment ready for the bundle, held in memory (never written to disk in the clear).</summary>
sealed record PreparedAttachment(AttachmentSource Source, string OriginalPath, long Size);

/// <summary>Turns the files a source attaches into bundle entries: photos are scrubbed, anything else is
/// refused unless the user explicitly accepts the risk. Names are replaced by neutral ones
/// (photo-1.jpg, file-2.pdf) because file names often carry names, dates and places.</summary>
static class AttachmentPreparer
{
    /// <summary>The bundle reader's per-attachment bound; a larger file could never be read by a reviewer.</summary>
    public const long MaxBytes = 256L << 20;

    public static PreparedAttachment Prepare(string path, int number, bool allowUnscrubbed)
    {
        byte[] bytes;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > MaxBytes)
                throw new ToolException(UiText.Format("AttachmentTooLarge", path, MaxBytes >> 20));
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ToolException(UiText.Format("AttachmentUnreadable", path, e.Message));
        }

        var kind = ImageScrubber.Recognise(bytes.AsSpan(0, Math.Min(bytes.Length, 16)));
        if (kind is { } image)
        {
            byte[] clean;
            try
            {
                clean = ImageScrubber.Scrub(bytes, image);
            }
            catch (InvalidDataException e)
            {
                throw new ToolException(UiText.Format("ImageUnreadable", path, e.Message), UiText.Get("HintImageUnreadable"));
            }
            finally
            {
                Array.Clear(bytes);
            }
            var (extension, mediaType) = ImageScrubber.Output(image);
            return new PreparedAttachment(
                new AttachmentSource($"photo-{number}.{extension}", mediaType, Scrubbed: true, () => new MemoryStream(clean, writable: false)),
                path, clean.Length);
        }

        if (!allowUnscrubbed)
        {
            Array.Clear(bytes);
            throw new ToolException(UiText.Format("AttachmentNotScrubbable", path),
                UiText.Get("HintUnscrubbedRisk"), UiText.Get("HintAllowUnscrubbed"));
        }
        var other = Path.GetExtension(path).TrimStart('.').ToLowerInvariant();
        var safeExtension = other.Length is > 0 and <= 8 && other.All(char.IsAsciiLetterOrDigit) ? other : "bin";
        return new PreparedAttachment(
            new AttachmentSource($"file-{number}.{safeExtension}", MediaTypeOf(safeExtension), Scrubbed: false, () => new MemoryStream(bytes, writable: false)),
            path, bytes.Length);
    }

    static string MediaTypeOf(string extension) => extension switch
    {
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "mp4" => "video/mp4",
        "mov" => "video/quicktime",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "heic" => "image/heic",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    };
}
