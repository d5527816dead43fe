using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Reporting.Cli;

/// <summary>Devices, pipes and sockets: outputs that are written as they are, like standard output, since
/// there is no file to replace or to leave behind (<c>-o /dev/null</c>, <c>-o /dev/tty</c>, a named pipe).
/// .NET does not tell a device from a regular file, so ask the kernel: statx(2), whose layout is the same
/// on every Linux architecture.</summary>
static partial class SpecialFiles
{
    const int AtFdCwd = -100;
    const uint StatxType = 0x1;
    const ushort FileTypeMask = 0xF000, RegularFile = 0x8000, Directory = 0x4000;

    /// <summary>True when <paramref name="path"/> (after links) exists and is neither a regular file nor a
    /// folder. Elsewhere than on Linux, never: anything existing is then refused as a file.</summary>
    public static bool IsSpecial(string path)
    {
        if (!OperatingSystem.IsLinux())
            return false;
        if (Statx(AtFdCwd, path, 0, StatxType, out var status) != 0 || (status.Mask & StatxType) == 0)
            return false; // missing or unreadable: creating the file says why
        var type = status.Mode & FileTypeMask;
        return type != RegularFile && type != Directory;
    }

    public static bool IsTerminal(SafeFileHandle handle) => !OperatingSystem.IsWindows() && IsATty((int)handle.DangerousGetHandle()) == 1;

    /// <summary>The first fields of struct statx (include/uapi/linux/stat.h); the kernel fills 256 bytes.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    struct StatxBuffer
    {
        public uint Mask;
        public uint BlockSize;
        public ulong Attributes;
        public uint Links;
        public uint Uid;
        public uint Gid;
        public ushort Mode;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, out StatxBuffer status);

    [LibraryImport("libc", EntryPoint = "isatty")]
    private static partial int IsATty(int descriptor);
}
