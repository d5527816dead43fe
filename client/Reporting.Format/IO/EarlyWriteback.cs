using System.Runtime.InteropServices;

namespace Reporting.Format.IO;

/// <summary>A file being written that has the kernel start writing it out to the disk every few MiB, as it
/// goes (sync_file_range(2) with SYNC_FILE_RANGE_WRITE: start, never wait). Without it, nothing reaches the
/// disk until the fsync that makes the file durable, which then writes the whole file after all the work
/// is done; with it, writing to the disk overlaps producing the bytes and the fsync has only the last few
/// MiB left. It is a hint, not a guarantee: the fsync still decides. Linux only; elsewhere plain writes.</summary>
internal sealed partial class EarlyWriteback(FileStream file) : WriteOnlyStream
{
    /// <summary>Large enough that the calls cost nothing, small enough that the disk starts early.</summary>
    const long Step = 8 << 20;

    long started;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        file.Write(buffer);
        long written = file.Position;
        if (written - started < Step || !OperatingSystem.IsLinux())
            return;
        // A failure only means the fsync has more to do.
        _ = SyncFileRange((int)file.SafeFileHandle.DangerousGetHandle(), started, written - started, SyncFileRangeWrite);
        started = written;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush() => file.Flush();

    public override long Length => file.Length;

    public override long Position { get => file.Position; set => throw new NotSupportedException(); }

    /// <summary>Closes the file, as disposing the file's own stream would.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            file.Dispose();
        base.Dispose(disposing);
    }

    const uint SyncFileRangeWrite = 2;

    [LibraryImport("libc", EntryPoint = "sync_file_range")]
    private static partial int SyncFileRange(int descriptor, long offset, long count, uint flags);
}
