using System.Runtime.InteropServices;

namespace Reporting.Server.Storage.Sqlite;

/// <summary>The Linux calls the volume needs that .NET does not make: fdatasync, holes (SEEK_DATA, SEEK_HOLE,
/// FALLOC_FL_PUNCH_HOLE) and O_NOATIME on an open file.</summary>
public sealed partial class CiphertextVolume
{
    /// <summary>Reads (a download, a spooled body read back to be checked) leave the access time alone: with the
    /// usual relatime mount the first read after a write would stamp the volume with that moment. Allowed only to
    /// the file's owner, which the server is; elsewhere reads stamp it as any file's.</summary>
    void KeepAccessTime()
    {
        if (!OperatingSystem.IsLinux())
            return;
        var fd = _file.DangerousGetHandle().ToInt32();
        var flags = Native.fcntl(fd, Native.GetFlags, 0);
        if (flags >= 0)
            Native.fcntl(fd, Native.SetFlags, flags | Native.NoAccessTime);
    }

    static class Native
    {
        public const int SeekData = 3;
        public const int SeekHole = 4;
        public const int FallocKeepSize = 1;
        public const int FallocPunchHole = 2;

        [DllImport("libc", SetLastError = true)]
        public static extern int fdatasync(int fd);

        [DllImport("libc", SetLastError = true)]
        public static extern long lseek(int fd, long offset, int whence);

        [DllImport("libc", SetLastError = true)]
        public static extern int fallocate(int fd, int mode, long offset, long length);

        public const int GetFlags = 3; // F_GETFL
        public const int SetFlags = 4; // F_SETFL
        public const int NoAccessTime = 0x40000; // O_NOATIME, 01000000 on every Linux architecture .NET runs on

        [DllImport("libc", SetLastError = true)]
        public static extern int fcntl(int fd, int command, int argument);
    }
}
