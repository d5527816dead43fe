using System.Runtime.InteropServices;

namespace Reporting.Format.Age;

/// <summary>X-Wing (ML-KEM-768 with X25519), the KEM of age's mlkem768x25519 recipients, from libsodium 1.0.22.
/// libsodium's X-Wing is age's exactly (held to the age vectors): a 32-byte secret seed expanded with
/// SHAKE256(seed, 96) (bytes 0–63 the ML-KEM-768 seed d‖z, 64–95 the X25519 secret), and the shared secret
/// SHA3-256(ssM ‖ ssX ‖ ctX ‖ pkX ‖ "\.//^\"). Decapsulation fails when the X25519 result is all zero
/// (a low-order share), as age requires.</summary>
internal static partial class XWing
{
    public const int SeedSize = 32;
    /// <summary>The ML-KEM-768 encapsulation key (1184) then the X25519 public key (32).</summary>
    public const int PublicKeySize = 1216;
    /// <summary>The ML-KEM-768 ciphertext (1088) then the ephemeral X25519 share (32): age's <c>enc</c>.</summary>
    public const int CiphertextSize = 1120;
    public const int SharedSecretSize = 32;

    const string Library = "libsodium";

    static XWing()
    {
        Sodium.EnsureInitialised();
        // A libsodium built with other sizes is not the X-Wing age speaks: refuse it before any key is made.
        if (crypto_kem_xwing_publickeybytes() != PublicKeySize || crypto_kem_xwing_ciphertextbytes() != CiphertextSize
            || crypto_kem_xwing_secretkeybytes() != SeedSize || crypto_kem_xwing_sharedsecretbytes() != SharedSecretSize)
            throw new InvalidOperationException("libsodium's X-Wing has unexpected sizes.");
    }

    /// <summary>The public key of <paramref name="seed"/>.</summary>
    public static unsafe void PublicKey(ReadOnlySpan<byte> seed, Span<byte> publicKey)
    {
        if (seed.Length != SeedSize || publicKey.Length != PublicKeySize)
            throw new ArgumentException("An X-Wing seed is 32 bytes and its public key 1216.");
        // libsodium's secret key is the seed itself; its copy is zeroed at once.
        Span<byte> secret = stackalloc byte[SeedSize];
        try
        {
            fixed (byte* pk = publicKey)
            fixed (byte* sk = secret)
            fixed (byte* s = seed)
                if (crypto_kem_xwing_seed_keypair(pk, sk, s) != 0)
                    throw new InvalidOperationException("X-Wing key derivation failed.");
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>A fresh shared secret for <paramref name="publicKey"/> and its ciphertext. False when the public
    /// key is not a valid one (an ML-KEM key whose coefficients are out of range).</summary>
    public static unsafe bool Encapsulate(ReadOnlySpan<byte> publicKey, Span<byte> ciphertext, Span<byte> sharedSecret)
    {
        if (publicKey.Length != PublicKeySize || ciphertext.Length != CiphertextSize || sharedSecret.Length != SharedSecretSize)
            throw new ArgumentException("Wrong X-Wing buffer sizes.");
        fixed (byte* ct = ciphertext)
        fixed (byte* ss = sharedSecret)
        fixed (byte* pk = publicKey)
            return crypto_kem_xwing_enc(ct, ss, pk) == 0;
    }

    /// <summary>The shared secret in <paramref name="ciphertext"/> for <paramref name="seed"/>. False when the
    /// X25519 share is low order (an all-zero X25519 result). A ciphertext for another key is not detected
    /// here (ML-KEM's implicit rejection): it gives a shared secret that opens nothing.</summary>
    public static unsafe bool Decapsulate(ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> seed, Span<byte> sharedSecret)
    {
        if (ciphertext.Length != CiphertextSize || seed.Length != SeedSize || sharedSecret.Length != SharedSecretSize)
            throw new ArgumentException("Wrong X-Wing buffer sizes.");
        fixed (byte* ss = sharedSecret)
        fixed (byte* ct = ciphertext)
        fixed (byte* sk = seed)
            return crypto_kem_xwing_dec(ss, ct, sk) == 0;
    }

    [LibraryImport(Library)]
    private static partial nuint crypto_kem_xwing_publickeybytes();

    [LibraryImport(Library)]
    private static partial nuint crypto_kem_xwing_secretkeybytes();

    [LibraryImport(Library)]
    private static partial nuint crypto_kem_xwing_ciphertextbytes();

    [LibraryImport(Library)]
    private static partial nuint crypto_kem_xwing_sharedsecretbytes();

    [LibraryImport(Library)]
    private static unsafe partial int crypto_kem_xwing_seed_keypair(byte* pk, byte* sk, byte* seed);

    [LibraryImport(Library)]
    private static unsafe partial int crypto_kem_xwing_enc(byte* ct, byte* ss, byte* pk);

    [LibraryImport(Library)]
    private static unsafe partial int crypto_kem_xwing_dec(byte* ss, byte* ct, byte* sk);
}
