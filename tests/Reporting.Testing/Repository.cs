namespace Reporting.Testing;

/// <summary>Finds the repository's folders (seeds, vectors, scripts) from a test's output folder.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>A path under the repository's root.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Reporting.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException("Reporting.sln not found above " + AppContext.BaseDirectory);
    }
}
