using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Reporting.Format.IO;

/// <summary>Reads a file without setting its access time (Linux O_NOATIME). The source's home is read on
/// every run; with the usual relatime mount the first read after a write would stamp the file with the
/// moment of that run, which dates a report finer than its day on a seized computer. Where O_NOATIME is
/// not allowed (a file of another user) or unknown (other systems), an ordinary read.</summary>
public static class QuietRead
{
    public static byte[] AllBytes(string path)
    {
        using var file = Open(path);
        var bytes = new byte[file.Length];
        file.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>The file opened for reading; throws as <see cref="File.OpenRead"/> does. (Asynchronous reads
    /// of a file are done on the thread pool on Unix anyway.)</summary>
    public static FileStream Open(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            var fd = Native.open(path, Native.ReadOnly | Native.NoAccessTime | Native.CloseOnExec);
            if (fd >= 0)
                return new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, 1 << 16);
        }
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
    }

    static class Native
    {
        public const int ReadOnly = 0;
        public const int NoAccessTime = 0x40000; // O_NOATIME, 01000000 on every Linux architecture .NET runs on
        public const int CloseOnExec = 0x80000;  // O_CLOEXEC

        [DllImport("libc", SetLastError = true)]
        public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
    }
}
