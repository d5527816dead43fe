namespace Reporting.Format.Age;

/// <summary>Something a file key can be wrapped to (an X25519 or hybrid public key, or a passphrase).</summary>
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

/// <summary>An identity that is a secret key (X25519 or hybrid), as identity files hold them: it has a
/// recipient and a text form. Holds secret bytes: dispose it.</summary>
public interface IKeyIdentity : IIdentity, IDisposable
{
    IRecipient Recipient { get; }

    /// <summary>The secret key as its <c>AGE-SECRET-KEY-…</c> line. Opt-in export, never logged or printed by default.</summary>
    string Export();
}
