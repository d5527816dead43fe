using Reporting.Format.Age;

namespace Reporting.Format.Keys;

/// <summary>Key files on disk: the secret line (plus <c># public key: …</c> comment) sealed with a passphrase
/// in age's scrypt format, so <c>age -d</c> opens them too. Written atomically with mode 0600.</summary>
public static class KeyFile
{
    public static void WriteIdentity(string path, X25519Identity identity, ReadOnlyMemory<byte> passphrase) => throw new NotImplementedException();
    public static void WriteSigningKey(string path, SigningKey key, ReadOnlyMemory<byte> passphrase) => throw new NotImplementedException();
    /// <summary>Reads a signing key file; throws AgeException (NoIdentityMatched: wrong passphrase) or FormatException.</summary>
    public static SigningKey ReadSigningKey(string path, ReadOnlyMemory<byte> passphrase, SigningKeyKind expected) => throw new NotImplementedException();
}
