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

    /// <summary>What must stay free on the data folder's volume: Reporting:MinFreeBytes, and never less than
    /// <see cref="MetadataReserveBytes"/>.</summary>
    public static long KeepFreeBytes(ReportingOptions options) => Math.Max(options.MinFreeBytes, MetadataReserveBytes);

    /// <summary>Bytes the server's user may still write on the file system that holds <paramref name="path"/>.</summary>
    public static long FreeBytes(string path) => new DriveInfo(Path.GetFullPath(path)).AvailableFreeSpace;

    /// <summary>Creates the folder (owner-only) if it does not exist; leaves an existing folder's mode alone.</summary>
    public static DirectoryInfo Create(string path) =>
        OperatingSystem.IsWindows() ? Directory.CreateDirectory(path) : Directory.CreateDirectory(path, OwnerOnly);
}
