using System.Security.Cryptography;

namespace Reporting.Format.Age;

/// <summary>An age post-quantum hybrid recipient (ML-KEM-768 with X25519), written <c>age1pq1…</c>. A file
/// sealed to it stays secret against an adversary who keeps the ciphertext until a quantum computer can
/// break X25519, as long as ML-KEM-768 holds (and against today's adversaries as long as X25519 holds).</summary>
public sealed class HybridRecipient : IRecipient
{
    internal const string Hrp = "age1pq";
    internal const string StanzaType = "mlkem768x25519";
    /// <summary>The HPKE info string (age's pqLabel): binds the file key's encryption to this use.</summary>
    internal static ReadOnlySpan<byte> Label => "age-encryption.org/mlkem768x25519"u8;

    readonly byte[] publicKey;

    internal HybridRecipient(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != XWing.PublicKeySize)
            throw new AgeException(AgeFailure.InvalidKey, "an mlkem768x25519 public key is 1216 bytes");
        this.publicKey = publicKey.ToArray();
    }

    /// <summary>Parses <c>age1pq1…</c>. Throws <see cref="AgeException"/> (InvalidKey).</summary>
    public static HybridRecipient Parse(string encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        if (!Bech32.TryDecode(encoded, out string hrp, out byte[] data) || hrp != Hrp || data.Length != XWing.PublicKeySize)
            throw new AgeException(AgeFailure.InvalidKey, "not a valid age post-quantum recipient (expected age1pq1… with a correct checksum)");
        return new HybridRecipient(data);
    }

    public Stanza Wrap(ReadOnlySpan<byte> fileKey)
    {
        if (fileKey.Length != Primitives.FileKeySize) throw new ArgumentException("A file key is 16 bytes.", nameof(fileKey));
        var enc = new byte[XWing.CiphertextSize];
        Span<byte> sharedSecret = stackalloc byte[XWing.SharedSecretSize];
        try
        {
            if (!XWing.Encapsulate(publicKey, enc, sharedSecret))
                throw new AgeException(AgeFailure.InvalidKey, "the recipient's ML-KEM-768 public key is not valid");
            return new Stanza(StanzaType, [Primitives.EncodeBase64(enc)], Hpke.Seal(sharedSecret, Label, fileKey));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
        }
    }

    public override string ToString() => Bech32.Encode(Hrp, publicKey);

    public override bool Equals(object? obj) => obj is HybridRecipient other && other.publicKey.AsSpan().SequenceEqual(publicKey);

    public override int GetHashCode() => BitConverter.ToInt32(publicKey.AsSpan(XWing.PublicKeySize - 32));
}
