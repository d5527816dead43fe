using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Reporting.Server.Storage.Sqlite;

/// <summary>Ciphertext kept as one file per report or reply in a folder beside the SQLite database, so
/// that acknowledged bytes are written once (not to the WAL and again to the database file).
/// Crash safety is the store's (see <see cref="SqliteReportStore.AddReportAsync"/>): a file without a row
/// is never listed, and <see cref="DeleteOrphans"/> removes it at the next start; deletion removes the
/// row first and the file after.
/// File names are the random ids; modification times are set to the day (D6), and
/// <see cref="BlurTimes"/> brings every file's inode change time to the moment of the last sweep.</summary>
public sealed class BlobFiles
{
    public const string FolderName = "blobs";

    const int BufferSize = 1 << 20;

    public BlobFiles(string folder)
    {
        Folder = DataFolder.Create(folder).FullName;
    }

    public string Folder { get; }

    string PathOf(string id) => Path.Combine(Folder, id);

    /// <summary>Writes exactly <paramref name="size"/> bytes of <paramref name="source"/> to a new file for
    /// <paramref name="id"/>, fsynced when <paramref name="sync"/> is set (else call <see cref="Sync"/>);
    /// the folder entry is made durable by <see cref="SyncFolder"/>. Returns the bytes' SHA-256. On any
    /// failure nothing is left behind. Throws <see cref="ArgumentException"/> when the source is shorter
    /// or longer than declared (<see cref="DeclaredLength"/>).</summary>
    public async Task<byte[]> WriteAsync(string id, Stream source, long size, DateOnly day, bool sync, CancellationToken cancellationToken = default)
    {
        var path = PathOf(id);
        // Not FileOptions.Asynchronous: on Linux that only moves each write to another thread, and a body
        // already in memory is written to the page cache in microseconds.
        var file = new FileStream(path, DataFolder.PrivateNewFile(FileAccess.Write));
        try
        {
            await using (file)
            {
                var hash = await CopyExactlyAsync(source, file, size, cancellationToken);
                SetDay(file, day);
                if (sync)
                    file.Flush(flushToDisk: true);
                return hash;
            }
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    /// <summary>fsyncs a file written without <c>sync</c>, then its folder entry: when this returns the file
    /// survives a power cut. Under load one folder fsync serves every file written before it started.</summary>
    public async Task SyncAsync(string id)
    {
        using (var file = File.OpenHandle(PathOf(id), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete))
            RandomAccess.FlushToDisk(file);
        var ticket = Interlocked.Increment(ref _folderSyncsWanted);
        await _folderSync.WaitAsync();
        try
        {
            if (Interlocked.Read(ref _folderSyncedThrough) >= ticket)
                return; // a folder fsync that began after this file was created has finished
            var through = Interlocked.Read(ref _folderSyncsWanted);
            SyncFolder();
            Interlocked.Exchange(ref _folderSyncedThrough, through);
        }
        finally
        {
            _folderSync.Release();
        }
    }

    readonly SemaphoreSlim _folderSync = new(1, 1);
    long _folderSyncsWanted;
    long _folderSyncedThrough;

    /// <summary>Whether the file holds exactly the bytes whose SHA-256 is <paramref name="sha256"/>.</summary>
    public bool Holds(string id, long size, byte[] sha256)
    {
        using var file = Open(id);
        if (file is null || file.Length != size)
            return false;
        return SHA256.HashData(file).AsSpan().SequenceEqual(sha256);
    }

    static async Task<byte[]> CopyExactlyAsync(Stream source, FileStream file, long size, CancellationToken cancellationToken)
    {
        // A body already in memory is written from its own buffer, in one call.
        if (source is MemoryStream memory && memory.TryGetBuffer(out var whole))
        {
            var remaining = whole.AsMemory((int)memory.Position);
            DeclaredLength.Check(remaining.Length, size, ended: true);
            file.Write(remaining.Span);
            memory.Position += remaining.Length;
            return SHA256.HashData(remaining.Span);
        }
        using var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long total = 0;
            while (true)
            {
                var read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken);
                total += read;
                DeclaredLength.Check(total, size, ended: read == 0);
                if (read == 0)
                    return hasher.GetHashAndReset();
                hasher.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Makes the folder's entries durable: new files (and removals) survive a power cut. One call
    /// covers every file written before it, so a batch of submissions pays for it once.</summary>
    public void SyncFolder()
    {
        if (OperatingSystem.IsWindows())
            return; // NTFS makes directory entries durable with the file's metadata
        var fd = Native.open(Folder, 0 /* O_RDONLY: enough to fsync a directory on Linux and macOS */);
        if (fd < 0)
            throw new IOException($"Cannot open the envelope folder to sync it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (Native.fsync(fd) != 0)
                throw new IOException($"Cannot sync the envelope folder (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            Native.close(fd);
        }
    }

    /// <summary>The file's bytes, read sequentially; null when there is none. An open file stays readable
    /// even if it is deleted meanwhile.</summary>
    public FileStream? Open(string id)
    {
        try
        {
            return new FileStream(PathOf(id), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 0, FileOptions.SequentialScan | FileOptions.Asynchronous);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Overwrites the file with zeros, syncs, and removes it: the bytes are gone from the file
    /// system's blocks (on a disk that writes in place; see the threat model for SSDs and copy-on-write).</summary>
    public void Shred(string id)
    {
        var path = PathOf(id);
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 0);
            var zeros = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                Array.Clear(zeros);
                for (long left = file.Length; left > 0; left -= Math.Min(left, BufferSize))
                    file.Write(zeros, 0, (int)Math.Min(left, BufferSize));
                file.Flush(flushToDisk: true);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(zeros);
                // Removed even when the zeros could not be written (a full copy-on-write file system needs
                // new blocks to overwrite): ciphertext that no row lists must not keep its space.
                File.Delete(path);
            }
        }
        catch (FileNotFoundException)
        {
        }
    }

    /// <summary>Every id that has a file, whatever its state.</summary>
    public IEnumerable<string> Ids() =>
        Directory.EnumerateFiles(Folder).Select(path => Path.GetFileName(path)!);

    /// <summary>Shreds every file that no row lists: left by a crash between writing a file and committing
    /// its row, or between deleting a row and its file. Returns how many went.</summary>
    public int DeleteOrphans(IReadOnlySet<string> listed)
    {
        var deleted = 0;
        foreach (var id in Ids().ToList())
        {
            if (listed.Contains(id))
                continue;
            Shred(id);
            deleted++;
        }
        if (deleted > 0)
            SyncFolder();
        return deleted;
    }

    /// <summary>Sets every file's times to its day again. Changing them updates the inode's change time,
    /// which no program can set: after a sweep every file carries the time of the sweep, not of its
    /// arrival. Run at start-up and then often (see <see cref="Retention"/>).</summary>
    public void BlurTimes(IReadOnlyDictionary<string, DateOnly> days)
    {
        foreach (var id in Ids().ToList())
            if (days.TryGetValue(id, out var day))
            {
                try
                {
                    using var file = new FileStream(PathOf(id), FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 0);
                    SetDay(file, day);
                }
                catch (FileNotFoundException)
                {
                    // deleted meanwhile
                }
            }
    }

    static void SetDay(FileStream file, DateOnly day)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(file.SafeFileHandle, midnight);
        File.SetLastAccessTimeUtc(file.SafeFileHandle, midnight);
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
}
