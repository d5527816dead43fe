using System.Globalization;

namespace Reporting.Testing;

/// <summary>What a process holds at one moment, read from Linux's /proc: resident memory (VmRSS), open
/// file descriptors apart from sockets (files, pipes, event descriptors), sockets, and threads. Sockets are
/// counted apart because they follow the load (clients' connections, a database pool that grows with
/// concurrency) where a leaked file only grows. Used by the soak benchmark and the soak test, so both judge
/// the server by the same figures.</summary>
public sealed record ProcessFigures(long RssBytes, int OpenFiles, int Sockets, int Threads)
{
    public static ProcessFigures Of(int pid)
    {
        long rss = 0;
        var threads = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                rss = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
            else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                threads = int.Parse(line.AsSpan(8).Trim(), CultureInfo.InvariantCulture);
        }
        int files = 0, sockets = 0;
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            string? target;
            try
            {
                target = new FileInfo(fd).LinkTarget;
            }
            catch (IOException)
            {
                continue; // closed meanwhile
            }
            if (target?.StartsWith("socket:", StringComparison.Ordinal) == true)
                sockets++;
            else
                files++;
        }
        return new ProcessFigures(rss, files, sockets, threads);
    }

    /// <summary>The 1, 5 and 15 minute load averages: how much else wanted these cores meanwhile.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "unknown";
}
