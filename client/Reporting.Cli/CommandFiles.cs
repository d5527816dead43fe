using Reporting.Format.IO;

namespace Reporting.Cli;

/// <summary>Where a command reads (<c>IN</c>, default standard input) and writes (<c>-o OUT</c>, default
/// standard output). A named output appears only when the command succeeds (<see cref="AtomicFile"/>).</summary>
public static class CommandFiles
{
    public static Stream OpenInput(string? path)
    {
        if (path is null or "-")
            return Console.OpenStandardInput();
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
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

    /// <summary>A new file (never replacing one), or standard output when <paramref name="path"/> is null or "-".</summary>
    public static CommandOutput CreateOutput(string? path, UnixFileMode mode = AtomicFile.Private) =>
        path is null or "-" ? new CommandOutput(null) : new CommandOutput(CreateNew(path, mode));

    /// <summary><see cref="AtomicFile.Create"/> with the failures worded for the command line.</summary>
    public static AtomicFile CreateNew(string path, UnixFileMode mode = AtomicFile.Private)
    {
        if (File.Exists(path) || Directory.Exists(path))
            throw new ToolException($"{path} already exists", "nothing is ever overwritten: remove it first or choose another name");
        try
        {
            return AtomicFile.Create(path, mode);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ToolException($"cannot write {path}: {e.Message}");
        }
    }
}

/// <summary>An output that is either standard output or a file committed only on success.</summary>
public sealed class CommandOutput(AtomicFile? file) : IDisposable
{
    readonly Stream stream = file?.Stream ?? Console.OpenStandardOutput();

    public Stream Stream => stream;
    public bool IsTerminal => file is null && !Console.IsOutputRedirected;

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
