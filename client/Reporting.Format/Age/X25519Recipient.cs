using System.Security.Cryptography;
using NSec.Cryptography;

namespace Reporting.Format.Age;

/// <summary>An age X25519 recipient, written <c>age1…</c>.</summary>
public sealed class X25519Recipient : IRecipient
{
    internal const string Hrp = "age";
    internal const string StanzaType = "X25519";
    /// <summary>Binds the wrapping key to this use (age's x25519Label).</summary>
    internal static ReadOnlySpan<byte> Label => "age-encryption.org/v1/X25519"u8;
    internal const int PointSize = 32;

    // The bytes as encoded: NSec clears the top bit of an imported public key, but the HKDF
    // salt must hold exactly what the sender and the recipient string say.
    readonly byte[] publicKeyBytes;
    readonly PublicKey publicKey;

    internal X25519Recipient(ReadOnlySpan<byte> publicKeyBytes)
    {
        if (publicKeyBytes.Length != PointSize)
            throw new AgeException(AgeFailure.InvalidKey, "an X25519 public key is 32 bytes");
        this.publicKeyBytes = publicKeyBytes.ToArray();
        publicKey = PublicKey.Import(KeyAgreementAlgorithm.X25519, publicKeyBytes, KeyBlobFormat.RawPublicKey);
    }

    /// <summary>Parses <c>age1…</c>. Throws <see cref="AgeException"/> (InvalidKey).</summary>
    public static X25519Recipient Parse(string encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        if (!Bech32.TryDecode(encoded, out string hrp, out byte[] data))
            throw new AgeException(AgeFailure.InvalidKey, "not a valid age recipient: a character is wrong or missing (the checksum does not match)");
        if (hrp == HybridRecipient.Hrp)
            throw new AgeException(AgeFailure.InvalidKey, "a post-quantum recipient (age1pq1…), not an X25519 one");
        if (hrp != Hrp || data.Length != PointSize)
            throw new AgeException(AgeFailure.InvalidKey, "not a valid age X25519 recipient (expected age1…)");
        return new X25519Recipient(data);
    }

    /// <summary>The raw 32-byte public key as encoded.</summary>
    public ReadOnlySpan<byte> PublicKeyBytes => publicKeyBytes;

    public Stanza Wrap(ReadOnlySpan<byte> fileKey)
    {
        if (fileKey.Length != Primitives.FileKeySize) throw new ArgumentException("A file key is 16 bytes.", nameof(fileKey));
        var x25519 = KeyAgreementAlgorithm.X25519;
        using var ephemeral = Key.Create(x25519);
        byte[] share = ephemeral.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        using var shared = x25519.Agree(ephemeral, publicKey)
            ?? throw new AgeException(AgeFailure.InvalidKey, "the recipient's public key is a low-order point");
        Span<byte> wrappingKey = stackalloc byte[Primitives.KeySize];
        try
        {
            DeriveWrappingKey(shared, share, publicKeyBytes, wrappingKey);
            return new Stanza(StanzaType, [Primitives.EncodeBase64(share)], Primitives.WrapFileKey(wrappingKey, fileKey));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(wrappingKey);
        }
    }

    /// <summary>HKDF-SHA256(shared secret, salt = share ‖ recipient, info = label).</summary>
    internal static void DeriveWrappingKey(SharedSecret shared, ReadOnlySpan<byte> share, ReadOnlySpan<byte> recipient, Span<byte> wrappingKey)
    {
        Span<byte> salt = stackalloc byte[2 * PointSize];
        share.CopyTo(salt);
        recipient.CopyTo(salt[PointSize..]);
        KeyDerivationAlgorithm.HkdfSha256.DeriveBytes(shared, salt, Label, wrappingKey);
    }

    public override string ToString() => Bech32.Encode(Hrp, publicKeyBytes);

    public override bool Equals(object? obj) => obj is X25519Recipient other && other.publicKeyBytes.AsSpan().SequenceEqual(publicKeyBytes);

    public override int GetHashCode() => BitConverter.ToInt32(publicKeyBytes);
}
