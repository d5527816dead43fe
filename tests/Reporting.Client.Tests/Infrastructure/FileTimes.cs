using System.Runtime.InteropServices;

namespace Reporting.Client.Tests.Infrastructure;

/// <summary>Every time Linux keeps for a file, read with statx(2) as a forensic tool would: the birth time
/// (which no program can set), the inode change time, the modification and the access time.</summary>
public sealed record FileTimes(string Path, bool IsFolder, DateTime? Birth, DateTime Change, DateTime Modification, DateTime Access)
{
    public IEnumerable<(string Kind, DateTime Time)> All()
    {
        if (Birth is { } birth)
            yield return ("birth", birth);
        yield return ("change", Change);
        yield return ("modification", Modification);
        yield return ("access", Access);
    }

    /// <summary>The times of <paramref name="folder"/> and of everything below it.</summary>
    public static List<FileTimes> Under(string folder) =>
        [Of(folder), .. Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Select(Of)];

    public static FileTimes Of(string path)
    {
        var buffer = new byte[256];
        if (statx(AtCurrentFolder, path, AtSymlinkNoFollow, BasicStats | BirthTime, buffer) != 0)
            throw new IOException($"statx {path}: errno {Marshal.GetLastPInvokeError()}");
        var mask = BitConverter.ToUInt32(buffer, 0);
        var mode = BitConverter.ToUInt16(buffer, 28);
        return new FileTimes(path, (mode & 0xF000) == 0x4000,
            (mask & BirthTime) != 0 ? Time(buffer, 80) : null, Time(buffer, 96), Time(buffer, 112), Time(buffer, 64));
    }

    /// <summary>A struct statx_timestamp: seconds (s64) and nanoseconds (u32).</summary>
    static DateTime Time(byte[] buffer, int offset) =>
        DateTime.UnixEpoch.AddSeconds(BitConverter.ToInt64(buffer, offset)).AddTicks(BitConverter.ToUInt32(buffer, offset + 8) / 100);

    const int AtCurrentFolder = -100;
    const int AtSymlinkNoFollow = 0x100;
    const uint BasicStats = 0x7ff;
    const uint BirthTime = 0x800;

    [DllImport("libc", SetLastError = true)]
    static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
}
