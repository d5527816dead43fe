using System.Security.Cryptography;

namespace Reporting.Format.IO;

/// <summary>A new file that appears whole or not at all: written beside its destination under a
/// temporary name, flushed to disk (written out as it goes, so that the flush at the end is short), then
/// linked into place only on <see cref="Commit"/>. Disposing
/// it uncommitted deletes the temporary file. It never replaces an existing file, unless created with
/// <c>replace: true</c> (settings that are rewritten whole).</summary>
public sealed class AtomicFile : IDisposable
{
    /// <summary>Secrets and plaintext: readable by the owner only.</summary>
    public const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    /// <summary>Public material (roster, roster entries).</summary>
    public const UnixFileMode Public = Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    readonly string path;
    readonly string temporary;
    readonly FileStream stream;
    readonly Stream writing;
    readonly bool replace;
    readonly bool durable;
    bool committed;

    AtomicFile(string path, string temporary, FileStream stream, bool replace, bool durable)
    {
        this.path = path;
        this.temporary = temporary;
        this.stream = stream;
        writing = durable ? new EarlyWriteback(stream) : stream;
        this.replace = replace;
        this.durable = durable;
    }

    /// <summary>Throws IOException when <paramref name="path"/> already exists, unless <paramref name="replace"/>.</summary>
    /// <param name="durable">False: still whole or not at all, but not flushed to the disk before it is put in place,
    /// for a copy that can be made again (a decrypted file on the offline machine); a power cut may then lose it.</param>
    public static AtomicFile Create(string path, UnixFileMode mode = Private, bool replace = false, bool durable = true)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full) || !replace && File.Exists(full))
            throw new IOException($"{path} already exists");
        var folder = Path.GetDirectoryName(full) ?? throw new IOException($"{path} has no folder");
        var temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.partial");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = mode; // set at creation: there is no moment when others could open it
        return new AtomicFile(full, temporary, new FileStream(temporary, options), replace, durable);
    }

    /// <summary>Writes <paramref name="content"/> to a new file at <paramref name="path"/>, atomically.</summary>
    public static void Write(string path, ReadOnlySpan<byte> content, UnixFileMode mode = Private, bool replace = false)
    {
        using var file = Create(path, mode, replace);
        file.Stream.Write(content);
        file.Commit();
    }

    public Stream Stream => writing;

    public void Commit()
    {
        stream.Flush(flushToDisk: durable);
        stream.Dispose();
        // rename(2) puts the whole file in place in one step on every file system. (Without overwrite .NET
        // would link(2) instead, and where that is unsupported, as on the FAT and exFAT of USB sticks,
        // silently copy: a pulled stick could then leave half a file under the final name.) The cost is a
        // small window in which a file appearing at the destination would be replaced.
        if (!replace && (File.Exists(path) || Directory.Exists(path)))
            throw new IOException($"{path} already exists");
        File.Move(temporary, path, overwrite: true);
        committed = true;
    }

    public void Dispose()
    {
        if (committed)
            return;
        stream.Dispose();
        try
        {
            File.Delete(temporary);
        }
        catch (IOException)
        {
            // Best effort: the partial file carries a name no reader picks up.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
