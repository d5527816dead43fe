namespace Reporting.Format.Age;

/// <summary>Something a file key can be wrapped to (X25519 public key or passphrase).</summary>
public interface IRecipient
{
    Stanza Wrap(ReadOnlySpan<byte> fileKey);
}

/// <summary>Something that may unwrap a file key from the header's stanzas.</summary>
public interface IIdentity
{
    /// <summary>Returns the 16-byte file key, or null when no stanza is for this identity.
    /// Throws <see cref="AgeException"/> when a stanza meant for this identity type is malformed.</summary>
    byte[]? Unwrap(IReadOnlyList<Stanza> stanzas);
}
