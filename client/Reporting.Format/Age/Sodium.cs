using System.Runtime.InteropServices;

namespace Reporting.Format.Age;

/// <summary>The libsodium calls NSec does not expose: scrypt with a salt of any length (NSec's scrypt takes
/// 32-byte salts, age's is 44), and the X-Wing KEM (<see cref="XWing"/>). Same native library NSec loads.</summary>
internal static partial class Sodium
{
    // NSec P/Invokes "libsodium" too; the runtime resolves it to the libsodium package's native asset.
    const string Library = "libsodium";

    static Sodium()
    {
        // sodium_init picks the fastest implementations and is idempotent: 0 = done now, 1 = already done.
        if (sodium_init() < 0) throw new InvalidOperationException("libsodium could not be initialised.");
    }

    /// <summary>Runs the static constructor (sodium_init) before a call from another class.</summary>
    internal static void EnsureInitialised() { }

    /// <summary>scrypt(passphrase, salt, N = 2^logN, r, p) into <paramref name="output"/>.</summary>
    public static unsafe void Scrypt(ReadOnlySpan<byte> passphrase, ReadOnlySpan<byte> salt, int logN, uint r, uint p, Span<byte> output)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(logN, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(logN, 62);
        fixed (byte* pw = passphrase)
        fixed (byte* s = salt)
        fixed (byte* o = output)
        {
            int rc = crypto_pwhash_scryptsalsa208sha256_ll(pw, (nuint)passphrase.Length, s, (nuint)salt.Length,
                1UL << logN, r, p, o, (nuint)output.Length);
            // Fails only when the memory (128 * r * N bytes) cannot be allocated.
            if (rc != 0) throw new InsufficientMemoryException("scrypt could not allocate its working memory.");
        }
    }

    [LibraryImport(Library)]
    private static partial int sodium_init();

    [LibraryImport(Library)]
    private static unsafe partial int crypto_pwhash_scryptsalsa208sha256_ll(
        byte* passwd, nuint passwdlen, byte* salt, nuint saltlen, ulong N, uint r, uint p, byte* buf, nuint buflen);
}
