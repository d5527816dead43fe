using System.Text;

namespace Reporting.Testing;

/// <summary>One file of the shared age test-vector suite (C2SP age testkit format): header lines,
/// a blank line, then the age file itself. The library's tests and <c>review open</c>'s both run every one.</summary>
public sealed record AgeVector(string Name, string Expect, string? PayloadSha256, IReadOnlyList<string> Identities,
    IReadOnlyList<string> Passphrases, byte[] File)
{
    public static string Directory { get; } = Repository.Path("tests", "Reporting.Format.Tests", "Vectors", "age");

    public static AgeVector Load(string name)
    {
        byte[] all = System.IO.File.ReadAllBytes(Path.Combine(Directory, name));
        string expect = "", payload = "";
        var identities = new List<string>();
        var passphrases = new List<string>();
        bool compressed = false;
        int pos = 0;
        while (true)
        {
            int end = Array.IndexOf(all, (byte)'\n', pos);
            if (end < 0) throw new InvalidDataException($"{name}: no blank line after the vector header");
            string line = Encoding.UTF8.GetString(all, pos, end - pos);
            pos = end + 1;
            if (line.Length == 0) break;
            int colon = line.IndexOf(": ", StringComparison.Ordinal);
            string key = line[..colon], value = line[(colon + 2)..];
            switch (key)
            {
                case "expect": expect = value; break;
                case "payload": payload = value; break;
                case "identity": identities.Add(value); break;
                case "passphrase": passphrases.Add(value); break;
                case "armored": break; // we detect armor, as the age CLI does
                case "compressed" when value == "zlib": compressed = true; break;
                case "file key" or "comment": break;
                default: throw new InvalidDataException($"{name}: unknown vector header '{key}'");
            }
        }
        byte[] file = all[pos..];
        if (compressed)
        {
            using var inflated = new MemoryStream();
            using (var zlib = new System.IO.Compression.ZLibStream(new MemoryStream(file), System.IO.Compression.CompressionMode.Decompress))
                zlib.CopyTo(inflated);
            file = inflated.ToArray();
        }
        return new AgeVector(name, expect, payload.Length > 0 ? payload : null, identities, passphrases, file);
    }

    public static IEnumerable<object[]> Names() =>
        System.IO.Directory.EnumerateFiles(Directory)
            .Select(Path.GetFileName)
            .Where(n => n is not null)
            .Order(StringComparer.Ordinal)
            .Select(n => new object[] { n! });
}
