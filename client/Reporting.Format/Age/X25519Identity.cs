namespace Reporting.Format.Age;

/// <summary>An age X25519 identity, written <c>AGE-SECRET-KEY-1…</c>. Holds secret bytes: dispose it.</summary>
public sealed class X25519Identity : IIdentity, IDisposable
{
    public static X25519Identity Generate() => throw new NotImplementedException();
    public static X25519Identity Parse(string encoded) => throw new NotImplementedException();
    /// <summary>Builds an identity from 32 secret scalar bytes (used by codenames); the caller zeroes its copy.</summary>
    public static X25519Identity FromSecret(ReadOnlySpan<byte> secret) => throw new NotImplementedException();
    public X25519Recipient Recipient => throw new NotImplementedException();
    /// <summary>The secret as <c>AGE-SECRET-KEY-1…</c>. Opt-in export, never logged or printed by default.</summary>
    public string Export() => throw new NotImplementedException();
    public byte[]? Unwrap(IReadOnlyList<Stanza> stanzas) => throw new NotImplementedException();
    public void Dispose() => throw new NotImplementedException();
}
