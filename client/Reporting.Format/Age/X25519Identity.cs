using System.Security.Cryptography;
using NSec.Cryptography;

namespace Reporting.Format.Age;

/// <summary>An age X25519 identity, written <c>AGE-SECRET-KEY-1…</c>. Holds secret bytes: dispose it.</summary>
public sealed class X25519Identity : IKeyIdentity
{
    internal const string Hrp = "AGE-SECRET-KEY-";

    readonly Key key;   // NSec keeps the scalar in locked, zeroed-on-free memory.
    readonly X25519Recipient recipient;

    X25519Identity(Key key)
    {
        this.key = key;
        recipient = new X25519Recipient(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    static KeyCreationParameters Exportable => new() { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };

    public static X25519Identity Generate() => new(Key.Create(KeyAgreementAlgorithm.X25519, Exportable));

    /// <summary>Parses <c>AGE-SECRET-KEY-1…</c>. Throws <see cref="AgeException"/> (InvalidKey); the message never
    /// repeats the input.</summary>
    public static X25519Identity Parse(string encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        if (!Bech32.TryDecode(encoded, out string hrp, out byte[] secret))
            throw new AgeException(AgeFailure.InvalidKey, "not a valid age identity (bad Bech32 checksum or character)");
        try
        {
            if (hrp == HybridIdentity.Hrp)
                throw new AgeException(AgeFailure.InvalidKey, "a post-quantum identity (AGE-SECRET-KEY-PQ-1…), not an X25519 one");
            if (hrp != Hrp || secret.Length != X25519Recipient.PointSize)
                throw new AgeException(AgeFailure.InvalidKey, "not a valid age identity (expected AGE-SECRET-KEY-1…)");
            return FromSecret(secret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Builds an identity from 32 secret scalar bytes (used by codenames); the caller zeroes its copy.</summary>
    public static X25519Identity FromSecret(ReadOnlySpan<byte> secret)
    {
        if (secret.Length != X25519Recipient.PointSize)
            throw new ArgumentException("An X25519 secret is 32 bytes.", nameof(secret));
        return new X25519Identity(Key.Import(KeyAgreementAlgorithm.X25519, secret, KeyBlobFormat.RawPrivateKey, Exportable));
    }

    public X25519Recipient Recipient => recipient;

    IRecipient IKeyIdentity.Recipient => recipient;

    /// <summary>The secret as <c>AGE-SECRET-KEY-1…</c>. Opt-in export, never logged or printed by default.</summary>
    public string Export()
    {
        byte[] secret = key.Export(KeyBlobFormat.RawPrivateKey);
        try
        {
            return Bech32.Encode(Hrp, secret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    public byte[]? Unwrap(IReadOnlyList<Stanza> stanzas)
    {
        return Primitives.UnwrapFirst(stanzas, X25519Recipient.StanzaType, Unwrap);
    }

    byte[]? Unwrap(Stanza stanza)
    {
        if (stanza.Arguments.Count != 1)
            throw Malformed("an X25519 stanza has one argument");
        if (!Primitives.TryDecodeBase64(stanza.Arguments[0], out byte[] share) || share.Length != X25519Recipient.PointSize)
            throw Malformed("an X25519 share is canonical base64 of 32 bytes");
        // Checked before any decryption: a different length is a malformed stanza, not someone else's.
        if (stanza.Body.Length != Primitives.FileKeySize + Primitives.TagSize)
            throw Malformed("an X25519 stanza body wraps a 16-byte file key");

        var x25519 = KeyAgreementAlgorithm.X25519;
        var sharePublicKey = PublicKey.Import(x25519, share, KeyBlobFormat.RawPublicKey);
        // libsodium refuses an all-zero shared secret: the share is a low-order point.
        using var shared = x25519.Agree(key, sharePublicKey)
            ?? throw Malformed("the X25519 share is a low-order point");

        Span<byte> wrappingKey = stackalloc byte[Primitives.KeySize];
        try
        {
            // The salt takes the share as written in the stanza, not NSec's re-export of it.
            X25519Recipient.DeriveWrappingKey(shared, share, recipient.PublicKeyBytes, wrappingKey);
            return Primitives.UnwrapFileKey(wrappingKey, stanza.Body);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(wrappingKey);
        }
    }

    static AgeException Malformed(string why) => new(AgeFailure.MalformedHeader, "malformed X25519 stanza: " + why);

    public override string ToString() => $"X25519Identity({recipient})";

    public void Dispose() => key.Dispose();
}
