using Reporting.Format.IO;

namespace Reporting.Cli;

/// <summary>Where a command reads (<c>IN</c>, default standard input) and writes (<c>-o OUT</c>, default
/// standard output). A named regular file appears only when the command succeeds (<see cref="AtomicFile"/>);
/// devices and pipes are written as the command goes, as standard output is.</summary>
public static class CommandFiles
{
    public static Stream OpenInput(string? path)
    {
        if (path is null or "-")
            return Console.OpenStandardInput();
        try
        {
            // Read once, front to back: SequentialScan asks the kernel to read further ahead.
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ToolException($"no file at {path}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ToolException($"cannot read {path}: {e.Message}");
        }
    }

    /// <summary>Standard output when <paramref name="path"/> is null or "-"; a device or pipe as it is
    /// (there is no file to leave behind); else a new file, never replacing one, that appears only on
    /// <see cref="CommandOutput.Commit"/>.</summary>
    /// <param name="durable">See <see cref="AtomicFile.Create"/>.</param>
    public static CommandOutput CreateOutput(string? path, UnixFileMode mode = AtomicFile.Private, bool durable = true)
    {
        if (path is null or "-")
            return new CommandOutput(Console.OpenStandardOutput(), isTerminal: !Console.IsOutputRedirected);
        if (!SpecialFiles.IsSpecial(path))
            return new CommandOutput(CreateNew(path, mode, durable));
        FileStream device;
        try
        {
            // No lock, no truncation: a device or a pipe has no content to keep (a FIFO waits here for its reader).
            device = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ToolException($"cannot write {path}: {e.Message}");
        }
        return new CommandOutput(device, SpecialFiles.IsTerminal(device.SafeFileHandle));
    }

    /// <summary><see cref="AtomicFile.Create"/> with the failures worded for the command line.</summary>
    public static AtomicFile CreateNew(string path, UnixFileMode mode = AtomicFile.Private, bool durable = true)
    {
        if (File.Exists(path) || Directory.Exists(path))
            throw new ToolException($"{path} already exists", "nothing is ever overwritten: remove it first or choose another name");
        try
        {
            return AtomicFile.Create(path, mode, durable: durable);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ToolException($"cannot write {path}: {e.Message}");
        }
    }
}

/// <summary>An output that is either a file committed only on success, or a stream written as it goes
/// (standard output, a device, a pipe): a failure there just stops the writing.</summary>
public sealed class CommandOutput : IDisposable
{
    readonly AtomicFile? file;
    readonly Stream stream;

    public CommandOutput(AtomicFile file)
    {
        this.file = file;
        stream = file.Stream;
    }

    public CommandOutput(Stream stream, bool isTerminal)
    {
        this.stream = stream;
        IsTerminal = isTerminal;
    }

    public Stream Stream => stream;

    /// <summary>A person's terminal: hostile bytes must not reach it as they are.</summary>
    public bool IsTerminal { get; }

    public void Commit()
    {
        if (file is null)
            stream.Flush();
        else
            file.Commit();
    }

    /// <summary>Uncommitted: the file is removed, nothing is left at its path.</summary>
    public void Dispose()
    {
        if (file is null)
            stream.Dispose();
        else
            file.Dispose();
    }
}
