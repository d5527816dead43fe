namespace Reporting.Testing;

/// <summary>A fresh folder under the system temp folder, deleted on dispose: a test's data folder, a source's
/// home, key files, a roster. Readable by other users (only its files' own modes keep them out), so a
/// PostgreSQL tablespace can be mounted inside it.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "reporting-tests", Guid.NewGuid().ToString("N"));

    public string this[string name] => System.IO.Path.Combine(Path, name);

    /// <summary>Writes a file (e.g. a passphrase file), making its folders, and returns its path.</summary>
    public string Write(string relative, string content)
    {
        var path = this[relative];
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>True when <paramref name="needle"/> occurs in any file under the folder.</summary>
    public bool AnyFileContains(byte[] needle) => AnyFileContains(Path, needle);

    /// <summary>As above for any folder. Files may change while read (a running server's WAL): each is
    /// read as it is at that moment, whatever its length.</summary>
    public static bool AnyFileContains(string folder, byte[] needle) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Any(file =>
        {
            using var copy = new MemoryStream();
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                stream.CopyTo(copy);
            }
            catch (FileNotFoundException)
            {
                return false; // gone between listing and reading: it holds nothing now
            }
            return copy.GetBuffer().AsSpan(0, (int)copy.Length).IndexOf(needle) >= 0;
        });
}
