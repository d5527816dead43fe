using System.Text;
using Xunit;

namespace Reporting.Client.Tests.Infrastructure;

/// <summary>Unique marker strings put into report text and files, then looked for where they must not be.</summary>
public static class Canary
{
    public static string New(string label = "canary") => $"{label}-{Guid.NewGuid():N}";

    /// <summary>Fails if any file under <paramref name="folder"/> contains one of the canaries, as UTF-8
    /// or UTF-16: the plaintext must never touch the disk.</summary>
    public static void AssertAbsent(string folder, params string[] canaries)
    {
        if (!Directory.Exists(folder))
            return;
        var patterns = canaries.SelectMany(c => new[] { Encoding.UTF8.GetBytes(c), Encoding.Unicode.GetBytes(c) }).ToList();
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(file);
            foreach (var pattern in patterns)
                Assert.False(bytes.AsSpan().IndexOf(pattern) >= 0, $"plaintext found in {file}");
        }
    }
}
