using System.Diagnostics;

namespace Reporting.Testing;

/// <summary>What the file system holds for a file: its blocks, not its apparent size (the ciphertext and spool
/// volumes are sparse, and an erased place is a hole).</summary>
public static class FileBlocks
{
    public static long AllocatedBytes(string path)
    {
        var start = new ProcessStartInfo("stat", ["--format=%b %B", path]) { RedirectStandardOutput = true };
        using var stat = Process.Start(start)!;
        var fields = stat.StandardOutput.ReadToEnd().Split(' ', StringSplitOptions.TrimEntries);
        stat.WaitForExit();
        return long.Parse(fields[0]) * long.Parse(fields[1]);
    }
}
