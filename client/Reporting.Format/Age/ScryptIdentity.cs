namespace Reporting.Format.Age;

/// <summary>Opens a passphrase-encrypted age file.</summary>
public sealed class ScryptIdentity : IIdentity
{
    /// <summary>Above 2^22 a hostile file could pin a CPU and gigabytes of memory for minutes.</summary>
    public const int DefaultMaxWorkFactor = 22;
    public ScryptIdentity(ReadOnlyMemory<byte> passphrase, int maxWorkFactor = DefaultMaxWorkFactor) => throw new NotImplementedException();
    public byte[]? Unwrap(IReadOnlyList<Stanza> stanzas) => throw new NotImplementedException();
}
