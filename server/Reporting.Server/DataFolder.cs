using System.Runtime.InteropServices;

namespace Reporting.Server;

/// <summary>The layout of Reporting:DataDir. Everything the server writes lives here, readable by its
/// user only: with SQLite the database, the stored ciphertext files and the Data Protection key ring;
/// with either store, uploads still arriving.</summary>
public static class DataFolder
{
    public const string DatabaseFile = "reports.db";
    public const string KeysFolder = "keys";
    public const string IncomingFolder = "incoming";

    static readonly UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Options for a new file only the server's user may read or write.</summary>
    public static FileStreamOptions PrivateNewFile(FileAccess access, FileOptions options = FileOptions.None)
    {
        var file = new FileStreamOptions { Mode = FileMode.CreateNew, Access = access, Options = options, BufferSize = 0 };
        if (!OperatingSystem.IsWindows())
            file.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return file;
    }

    /// <summary>Free space no upload may take, whatever the operator's reserve: on a volume that submissions
    /// filled, a signed request still records its nonce, a reviewer can still delete (and so free space),
    /// retention and checkpoints still run. A megabyte is thousands of such rows and WAL frames.</summary>
    public const long MetadataReserveBytes = 1 << 20;

    /// <summary>What must stay free on the data folder's volume: Reporting:MinFreeBytes, or unset the smaller
    /// of 1 GiB and 5% of the volume; never less than <see cref="MetadataReserveBytes"/>. 1 GiB leaves the WAL,
    /// retention and the reviewers room on a busy server; a fixed 1 GiB would refuse every upload on a small
    /// VPS disk that is mostly full of the system, where 5% is still room for them.</summary>
    public static long KeepFreeBytes(ReportingOptions options) =>
        Math.Max(options.MinFreeBytes ?? Math.Min(1L << 30, VolumeBytes(options.DataDir) / 20), MetadataReserveBytes);

    /// <summary>The size of the file system that holds <paramref name="path"/>.</summary>
    static long VolumeBytes(string path) => new DriveInfo(Path.GetFullPath(path)).TotalSize;

    /// <summary>Bytes the server's user may still write on the file system that holds <paramref name="path"/>.</summary>
    public static long FreeBytes(string path) => new DriveInfo(Path.GetFullPath(path)).AvailableFreeSpace;

    /// <summary>Makes the folder's entries durable: files moved or made in it survive a power cut.</summary>
    public static void Sync(string path)
    {
        if (OperatingSystem.IsWindows())
            return; // NTFS makes directory entries durable with the file's metadata
        var fd = Native.open(path, 0 /* O_RDONLY: enough to fsync a directory on Linux and macOS */);
        if (fd < 0)
            throw new IOException($"Cannot open {path} to sync it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (Native.fsync(fd) != 0)
                throw new IOException($"Cannot sync {path} (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            Native.close(fd);
        }
    }

    static class Native
    {
        [DllImport("libc", SetLastError = true)]
        public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", SetLastError = true)]
        public static extern int fsync(int fd);

        [DllImport("libc", SetLastError = true)]
        public static extern int close(int fd);
    }

    /// <summary>Creates the folder (owner-only) if it does not exist; leaves an existing folder's mode alone.</summary>
    public static DirectoryInfo Create(string path) =>
        OperatingSystem.IsWindows() ? Directory.CreateDirectory(path) : Directory.CreateDirectory(path, OwnerOnly);
}
