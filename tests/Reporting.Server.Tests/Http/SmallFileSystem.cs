using System.Diagnostics;

namespace Reporting.Server.Tests.Http;

/// <summary>A tmpfs of a fixed size mounted on a fresh folder, so a test can fill a file system for real
/// (ENOSPC) without touching the machine's own disk. Needs root (the tests run as root here); when the
/// mount is refused the test fails and says so, it never passes by skipping. Unmounted on dispose.</summary>
public sealed class SmallFileSystem : IDisposable
{
    SmallFileSystem(string path) => Path = path;

    public string Path { get; }

    public string this[string name] => System.IO.Path.Combine(Path, name);

    /// <summary>Bytes an unprivileged writer may still use (statvfs f_bavail).</summary>
    public long FreeBytes => DataFolder.FreeBytes(Path);

    public static SmallFileSystem Mount(string path, long bytes, string? owner = null)
    {
        Directory.CreateDirectory(path);
        var (status, output) = Run("mount", "-t", "tmpfs", "-o", $"size={bytes},mode=0700", "tmpfs", path);
        Assert.True(status == 0, $"cannot mount a {bytes}-byte tmpfs on {path} (mount said: {output.Trim()}); " +
            "the disk-full tests need root and a kernel that allows tmpfs mounts (run them as root, outside an unprivileged container)");
        var mounted = new SmallFileSystem(path);
        if (owner is not null)
        {
            var (chown, said) = Run("chown", $"{owner}:{owner}", path);
            if (chown != 0)
            {
                mounted.Dispose();
                Assert.Fail($"cannot give {path} to {owner}: {said.Trim()}");
            }
        }
        return mounted;
    }

    /// <summary>Grows or shrinks the file system in place (mount -o remount): what an operator does by
    /// giving the volume more space.</summary>
    public void Resize(long bytes)
    {
        var (status, output) = Run("mount", "-o", $"remount,size={bytes}", Path);
        Assert.True(status == 0, $"cannot resize the tmpfs on {Path}: {output.Trim()}");
    }

    /// <summary>Writes a file of <paramref name="bytes"/> zeros (whatever fits), as another program
    /// filling the volume would.</summary>
    public string Fill(string name, long bytes)
    {
        var path = this[name];
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        var zeros = new byte[1 << 20];
        for (long left = bytes; left > 0; left -= Math.Min(left, zeros.Length))
            file.Write(zeros, 0, (int)Math.Min(left, zeros.Length));
        file.Flush(flushToDisk: true);
        return path;
    }

    public void Dispose()
    {
        // Lazy: a process that still holds a file open (a killed server's last moments) cannot keep the
        // mount alive after the test.
        if (Run("umount", Path).Status != 0)
            Run("umount", "-l", Path);
    }

    static (int Status, string Output) Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"{tool}: {e.Message}");
        }
    }
}
