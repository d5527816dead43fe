using Microsoft.Extensions.Options;

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

/// <summary>Room on the data folder's volume for the uploads now arriving. Each upload reserves twice its
/// declared length (a large envelope is on disk twice for a moment: spooled, then its stored file) before
/// its body is read, against the free space less what must stay free (<see cref="DataFolder.KeepFreeBytes"/>).
/// Counting the uploads in flight keeps many that arrive together from passing the check all at once and
/// then taking the reserve the reviewers' signed requests need on a full volume.</summary>
public sealed class UploadSpace(IOptions<ReportingOptions> options)
{
    long _reserved;

    /// <summary>A reservation to dispose when the upload is stored or refused, or null when there is no room.</summary>
    public IDisposable? TryReserve(long declaredLength)
    {
        var settings = options.Value;
        var need = Math.Min(declaredLength, settings.MaxEnvelopeBytes) * 2;
        if (DataFolder.FreeBytes(settings.DataDir) - DataFolder.KeepFreeBytes(settings) >= Interlocked.Add(ref _reserved, need))
            return new Reservation(this, need);
        Interlocked.Add(ref _reserved, -need);
        return null;
    }

    sealed class Reservation(UploadSpace space, long bytes) : IDisposable
    {
        int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                Interlocked.Add(ref space._reserved, -bytes);
        }
    }
}
