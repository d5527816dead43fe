namespace Reporting.Format.Age;

/// <summary>age identity files: one or more <c>AGE-SECRET-KEY-1…</c> lines, <c>#</c> comments and blank lines;
/// or such a file itself sealed with a passphrase (as <c>age -p</c> writes it).</summary>
public static class IdentityFile
{
    /// <summary>True when the bytes are an age file (binary or armored), i.e. a passphrase is needed.</summary>
    public static bool IsEncrypted(ReadOnlySpan<byte> content) => throw new NotImplementedException();
    /// <summary>Parses a plain identity file. Throws <see cref="AgeException"/> (InvalidKey) naming the line.</summary>
    public static IReadOnlyList<X25519Identity> Parse(ReadOnlySpan<byte> content) => throw new NotImplementedException();
    /// <summary>Opens a passphrase-encrypted identity file, then parses it.</summary>
    public static IReadOnlyList<X25519Identity> Open(ReadOnlySpan<byte> content, ReadOnlyMemory<byte> passphrase) => throw new NotImplementedException();
}
