namespace Reporting.Report.Home;

/// <summary>Writes a file whole or not at all: a temporary file beside it, flushed to disk, then renamed.
/// Only ever used for ciphertext and public settings: plaintext never reaches the disk.</summary>
static class AtomicFile
{
    public static void Write(string path, ReadOnlySpan<byte> bytes)
    {
        using var temporary = Create(path);
        temporary.Stream.Write(bytes);
        temporary.Commit();
    }

    /// <summary>A temporary file beside <paramref name="path"/> (mode 0600); <see cref="Pending.Commit"/>
    /// flushes and renames it, disposing without committing deletes it.</summary>
    public static Pending Create(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return new Pending(temporary, path, new FileStream(temporary, options));
    }

    public sealed class Pending(string temporary, string destination, FileStream stream) : IDisposable
    {
        bool committed;
        public FileStream Stream { get; } = stream;

        public void Commit()
        {
            Stream.Flush(flushToDisk: true);
            Stream.Dispose();
            File.Move(temporary, destination, overwrite: true);
            committed = true;
        }

        public void Dispose()
        {
            Stream.Dispose();
            if (!committed)
                File.Delete(temporary);
        }
    }
}
