namespace Reporting.Format.Keys;

/// <summary>The three uses of Ed25519 in this system, kept apart by their Bech32 prefixes so a key
/// of one kind can never be taken for another.</summary>
public enum SigningKeyKind
{
    /// <summary>Signs rosters; lives offline. Public: <c>reportorg1…</c>; secret: <c>REPORT-ORG-KEY-1…</c>.</summary>
    Organisation,
    /// <summary>Authenticates a reviewer's fetch, delete and reply requests. Public: <c>reportaccess1…</c>.</summary>
    Access,
    /// <summary>Derived from a codename; proves a source may read a mailbox. Public: <c>reportmailbox1…</c>.</summary>
    Mailbox,
}

/// <summary>An Ed25519 private key. Holds secret bytes: dispose it.</summary>
public sealed class SigningKey : IDisposable
{
    public static SigningKey Generate(SigningKeyKind kind) => throw new NotImplementedException();
    /// <summary>From a 32-byte seed (codename derivation); the caller zeroes its copy.</summary>
    public static SigningKey FromSeed(SigningKeyKind kind, ReadOnlySpan<byte> seed) => throw new NotImplementedException();
    /// <summary>Parses <c>REPORT-ORG-KEY-1…</c> / <c>REPORT-ACCESS-KEY-1…</c>; throws FormatException.</summary>
    public static SigningKey Import(string encoded) => throw new NotImplementedException();
    public SigningKeyKind Kind => throw new NotImplementedException();
    public PublicSigningKey PublicKey => throw new NotImplementedException();
    public byte[] Sign(ReadOnlySpan<byte> data) => throw new NotImplementedException();
    /// <summary>Opt-in export of the secret seed as Bech32; never printed by the tools.</summary>
    public string Export() => throw new NotImplementedException();
    public void Dispose() => throw new NotImplementedException();
}
