using System.Security.Cryptography;
using System.Text;

namespace Reporting.Format.Age;

/// <summary>age identity files: one or more <c>AGE-SECRET-KEY-1…</c> or <c>AGE-SECRET-KEY-PQ-1…</c> lines (both kinds may share a file), <c>#</c> comments and blank lines;
/// or such a file itself sealed with a passphrase (as <c>age -p</c> writes it).</summary>
public static class IdentityFile
{
    /// <summary>An identity file is a few lines; anything far larger is not one.</summary>
    const int MaxSize = 1 << 20;

    /// <summary>True when the bytes are an age file (binary or armored), i.e. a passphrase is needed.</summary>
    public static bool IsEncrypted(ReadOnlySpan<byte> content)
    {
        if (content.StartsWith("age-encryption.org/"u8)) return true;
        int i = 0;
        while (i < content.Length && Armor.IsWhitespace(content[i])) i++;
        return content[i..].StartsWith("-----BEGIN AGE ENCRYPTED FILE-----"u8);
    }

    /// <summary>Parses a plain identity file. Throws <see cref="AgeException"/> (InvalidKey) naming the line.</summary>
    public static IReadOnlyList<IKeyIdentity> Parse(ReadOnlySpan<byte> content)
    {
        if (content.Length > MaxSize) throw new AgeException(AgeFailure.InvalidKey, "the identity file is too large to be one");
        var identities = new List<IKeyIdentity>();
        int lineNumber = 0;
        try
        {
            while (!content.IsEmpty)
            {
                lineNumber++;
                int end = content.IndexOf((byte)'\n');
                var line = end < 0 ? content : content[..end];
                content = end < 0 ? default : content[(end + 1)..];
                if (line.EndsWith("\r"u8)) line = line[..^1];
                if (line.IsEmpty || line[0] == '#') continue;
                // Never echo the line: it holds a secret, perhaps with a typo.
                if (!Ascii.IsValid(line))
                    throw new AgeException(AgeFailure.InvalidKey, $"line {lineNumber} of the identity file is not an age identity");
                try
                {
                    identities.Add(AgeKeys.ParseIdentity(Encoding.ASCII.GetString(line)));
                }
                catch (AgeException e)
                {
                    // The parser's message names the kind of problem, never the line's text.
                    throw new AgeException(AgeFailure.InvalidKey, $"line {lineNumber} of the identity file: {e.Message}");
                }
            }
            if (identities.Count == 0)
                throw new AgeException(AgeFailure.InvalidKey, "the identity file holds no AGE-SECRET-KEY-1… or AGE-SECRET-KEY-PQ-1… identity");
            return identities;
        }
        catch
        {
            foreach (var identity in identities) identity.Dispose();
            throw;
        }
    }

    /// <summary>Opens a passphrase-encrypted identity file, then parses it.</summary>
    public static IReadOnlyList<IKeyIdentity> Open(ReadOnlySpan<byte> content, ReadOnlyMemory<byte> passphrase)
    {
        byte[] plain = new byte[MaxSize];
        int length = 0;
        try
        {
            using (var input = new MemoryStream(content.ToArray(), writable: false))
            using (var reader = AgeFile.Open(input, [new ScryptIdentity(passphrase, ScryptIdentity.KeyFileMaxWorkFactor)]))
            {
                while (true)
                {
                    int n = reader.Read(plain.AsSpan(length));
                    if (n == 0) break;
                    length += n;
                    if (length == plain.Length) throw new AgeException(AgeFailure.InvalidKey, "the identity file is too large to be one");
                }
            }
            return Parse(plain.AsSpan(0, length));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain.AsSpan(0, length));
        }
    }
}
