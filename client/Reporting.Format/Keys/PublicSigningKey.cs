namespace Reporting.Format.Keys;

/// <summary>An Ed25519 public key with its kind, shown as checksummed Bech32 (<c>reportorg1…</c>).</summary>
public sealed class PublicSigningKey : IEquatable<PublicSigningKey>
{
    /// <summary>Parses any of the three kinds; false on a typo (Bech32 checksum), wrong length or unknown prefix.</summary>
    public static bool TryParse(string encoded, out PublicSigningKey? key) => throw new NotImplementedException();
    public static PublicSigningKey Parse(string encoded, SigningKeyKind expected) => throw new NotImplementedException();
    public static PublicSigningKey FromBytes(SigningKeyKind kind, ReadOnlySpan<byte> bytes) => throw new NotImplementedException();
    public SigningKeyKind Kind => throw new NotImplementedException();
    public ReadOnlySpan<byte> Bytes => throw new NotImplementedException();
    /// <summary>False (never an exception) when the signature does not verify.</summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) => throw new NotImplementedException();
    public override string ToString() => throw new NotImplementedException();
    public bool Equals(PublicSigningKey? other) => throw new NotImplementedException();
    public override bool Equals(object? obj) => Equals(obj as PublicSigningKey);
    public override int GetHashCode() => throw new NotImplementedException();
}
