using System.Security.Cryptography;

namespace Reporting.Format.Age;

/// <summary>An age post-quantum hybrid identity, written <c>AGE-SECRET-KEY-PQ-1…</c>: a 32-byte seed from which
/// X-Wing derives both the ML-KEM-768 and the X25519 key. Holds secret bytes: dispose it.</summary>
public sealed class HybridIdentity : IKeyIdentity
{
    internal const string Hrp = "AGE-SECRET-KEY-PQ-";

    // Pinned, so the garbage collector never leaves a copy behind when it compacts; zeroed on Dispose.
    readonly byte[] seed = GC.AllocateArray<byte>(XWing.SeedSize, pinned: true);
    readonly HybridRecipient recipient;

    HybridIdentity(ReadOnlySpan<byte> seed)
    {
        seed.CopyTo(this.seed);
        var publicKey = new byte[XWing.PublicKeySize];
        XWing.PublicKey(seed, publicKey);
        recipient = new HybridRecipient(publicKey);
    }

    public static HybridIdentity Generate()
    {
        Span<byte> seed = stackalloc byte[XWing.SeedSize];
        try
        {
            RandomNumberGenerator.Fill(seed);
            return new HybridIdentity(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>Parses <c>AGE-SECRET-KEY-PQ-1…</c>. Throws <see cref="AgeException"/> (InvalidKey); the message
    /// never repeats the input.</summary>
    public static HybridIdentity Parse(string encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        if (!Bech32.TryDecode(encoded, out string hrp, out byte[] secret))
            throw new AgeException(AgeFailure.InvalidKey, "not a valid age identity (bad Bech32 checksum or character)");
        try
        {
            if (hrp != Hrp || secret.Length != XWing.SeedSize)
                throw new AgeException(AgeFailure.InvalidKey, "not a valid age post-quantum identity (expected AGE-SECRET-KEY-PQ-1…)");
            return new HybridIdentity(secret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Builds an identity from a 32-byte seed (used by codenames); the caller zeroes its copy.</summary>
    public static HybridIdentity FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != XWing.SeedSize)
            throw new ArgumentException("An mlkem768x25519 seed is 32 bytes.", nameof(seed));
        return new HybridIdentity(seed);
    }

    public HybridRecipient Recipient => recipient;

    IRecipient IKeyIdentity.Recipient => recipient;

    /// <summary>The secret as <c>AGE-SECRET-KEY-PQ-1…</c>. Opt-in export, never logged or printed by default.</summary>
    public string Export() => Bech32.Encode(Hrp, seed);

    public byte[]? Unwrap(IReadOnlyList<Stanza> stanzas) =>
        Primitives.UnwrapFirst(stanzas, HybridRecipient.StanzaType, Unwrap);

    byte[]? Unwrap(Stanza stanza)
    {
        if (stanza.Arguments.Count != 1)
            throw Malformed("an mlkem768x25519 stanza has one argument");
        if (!Primitives.TryDecodeBase64(stanza.Arguments[0], out byte[] enc) || enc.Length != XWing.CiphertextSize)
            throw Malformed("an mlkem768x25519 enc is canonical base64 of 1120 bytes");
        // Checked before any decryption: a different length is a malformed stanza, not someone else's.
        if (stanza.Body.Length != Primitives.FileKeySize + Primitives.TagSize)
            throw Malformed("an mlkem768x25519 stanza body wraps a 16-byte file key");

        Span<byte> sharedSecret = stackalloc byte[XWing.SharedSecretSize];
        var fileKey = new byte[Primitives.FileKeySize];
        try
        {
            if (!XWing.Decapsulate(enc, seed, sharedSecret))
                throw Malformed("the X25519 part of enc is a low-order point");
            // A stanza for another key decapsulates to an unrelated secret (implicit rejection): it fails here.
            if (Hpke.Open(sharedSecret, HybridRecipient.Label, stanza.Body, fileKey))
                return fileKey;
            CryptographicOperations.ZeroMemory(fileKey);
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
        }
    }

    static AgeException Malformed(string why) => new(AgeFailure.MalformedHeader, "malformed mlkem768x25519 stanza: " + why);

    public override string ToString() => "HybridIdentity";

    public void Dispose() => CryptographicOperations.ZeroMemory(seed);
}
