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

    /// <summary>Whether an upload of <paramref name="length"/> bytes leaves the data folder its reserve. A
    /// large envelope is on disk twice for a moment (spooled, then its stored file).</summary>
    public static bool HasRoomFor(ReportingOptions options, long length)
    {
        var free = new DriveInfo(Path.GetFullPath(options.DataDir)).AvailableFreeSpace;
        return free - options.MinFreeBytes >= Math.Min(length, options.MaxEnvelopeBytes) * 2;
    }

    /// <summary>Creates the folder (owner-only) if it does not exist; leaves an existing folder's mode alone.</summary>
    public static DirectoryInfo Create(string path) =>
        OperatingSystem.IsWindows() ? Directory.CreateDirectory(path) : Directory.CreateDirectory(path, OwnerOnly);
}
