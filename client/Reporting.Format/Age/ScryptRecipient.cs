using System.Globalization;
using System.Security.Cryptography;

namespace Reporting.Format.Age;

/// <summary>age's passphrase recipient. Must be the only stanza in its header.</summary>
public sealed class ScryptRecipient : IRecipient
{
    /// <summary>2^18 as age does: about a second on a laptop, the cost an attacker pays per guess.</summary>
    public const int DefaultWorkFactor = 18;
    internal const string StanzaType = "scrypt";
    /// <summary>Prefixed to the random salt so the derived key serves only this use (age's scryptLabel).</summary>
    internal static ReadOnlySpan<byte> Label => "age-encryption.org/v1/scrypt"u8;
    internal const int SaltSize = 16;

    readonly ReadOnlyMemory<byte> passphrase;
    readonly int workFactor;

    /// <summary>The passphrase is not copied: it is read when <see cref="Wrap"/> runs, and stays the caller's to zero.</summary>
    public ScryptRecipient(ReadOnlyMemory<byte> passphrase, int workFactor = DefaultWorkFactor)
    {
        if (passphrase.IsEmpty) throw new ArgumentException("The passphrase is empty.", nameof(passphrase));
        // age's own bounds: below 2^1 is meaningless, above 2^30 is beyond any machine's memory.
        ArgumentOutOfRangeException.ThrowIfLessThan(workFactor, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(workFactor, 30);
        this.passphrase = passphrase;
        this.workFactor = workFactor;
    }

    public Stanza Wrap(ReadOnlySpan<byte> fileKey)
    {
        if (fileKey.Length != Primitives.FileKeySize) throw new ArgumentException("A file key is 16 bytes.", nameof(fileKey));
        Span<byte> salt = stackalloc byte[SaltSize];
        RandomNumberGenerator.Fill(salt);
        Span<byte> wrappingKey = stackalloc byte[Primitives.KeySize];
        try
        {
            DeriveWrappingKey(passphrase.Span, salt, workFactor, wrappingKey);
            return new Stanza(StanzaType,
                [Primitives.EncodeBase64(salt), workFactor.ToString(CultureInfo.InvariantCulture)],
                Primitives.WrapFileKey(wrappingKey, fileKey));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(wrappingKey);
        }
    }

    /// <summary>scrypt(passphrase, label ‖ salt, N = 2^workFactor, r = 8, p = 1), as age specifies.</summary>
    internal static void DeriveWrappingKey(ReadOnlySpan<byte> passphrase, ReadOnlySpan<byte> salt, int workFactor, Span<byte> wrappingKey)
    {
        Span<byte> fullSalt = stackalloc byte[Label.Length + SaltSize];
        Label.CopyTo(fullSalt);
        salt.CopyTo(fullSalt[Label.Length..]);
        Sodium.Scrypt(passphrase, fullSalt, workFactor, r: 8, p: 1, wrappingKey);
    }

    public override string ToString() => "ScryptRecipient";
}
