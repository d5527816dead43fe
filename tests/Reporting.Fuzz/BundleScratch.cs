using Reporting.Format.Bundles;

namespace Reporting.Fuzz;

/// <summary>Reads a bundle into a scratch folder emptied after every input, in memory when /dev/shm exists,
/// with small limits so one input cannot make an execution slow.</summary>
public static class BundleScratch
{
    static readonly BundleLimits Limits = new() { MaxReportJsonBytes = 64 << 10, MaxAttachmentBytes = 256 << 10, MaxTotalBytes = 1 << 20, MaxAttachments = 8 };

    static readonly string Root = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"reporting-fuzz-{Environment.ProcessId}");

    public static void Read(byte[] input)
    {
        var folder = Path.Combine(Root, "attachments");
        try
        {
            ReportBundle.Read(new MemoryStream(input), folder, Limits);
        }
        finally
        {
            if (Directory.Exists(Root))
                Directory.Delete(Root, recursive: true);
        }
    }
}
