using System.Text;

namespace Reporting.Testing;

/// <summary>typage, the TypeScript age (npm age-encryption 0.3.1, installed in tests/typage by test.sh), run by
/// node through tests/typage/age.mjs: post-quantum hybrid keys and envelopes made and opened by an independent
/// implementation, where Debian's age 1.1.1 knows only X25519.</summary>
public static class Typage
{
    static readonly string Script = Repository.Path("tests", "typage", "age.mjs");

    /// <summary>A new hybrid key pair: the identity (AGE-SECRET-KEY-PQ-1…) and its recipient (age1pq1…).</summary>
    public static (string Identity, string Recipient) KeyGen()
    {
        var lines = Encoding.ASCII.GetString(Node(["keygen"], [])).Split('\n');
        var recipient = lines.Single(l => l.StartsWith("# public key: ", StringComparison.Ordinal))["# public key: ".Length..].Trim();
        return (lines.Single(l => l.StartsWith("AGE-SECRET-KEY-PQ-1", StringComparison.Ordinal)).Trim(), recipient);
    }

    public static byte[] Seal(byte[] plaintext, IEnumerable<string> recipients, bool armor = false) =>
        Node(["encrypt", .. armor ? ["-a"] : Array.Empty<string>(), .. recipients.SelectMany(r => new[] { "-r", r })], plaintext);

    /// <summary>Opens a binary or armored <paramref name="envelope"/> with <paramref name="identity"/>.</summary>
    public static byte[] Open(byte[] envelope, string identity)
    {
        using var folder = new TempFolder();
        return Node(["decrypt", "-i", folder.Write("identity.txt", identity + "\n")], envelope);
    }

    static byte[] Node(string[] arguments, byte[] input) => StockAge.Run("node", [Script, .. arguments], input);
}
