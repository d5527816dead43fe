using System.Security.Cryptography;

namespace Reporting.Format.Age;

/// <summary>Opens a passphrase-encrypted age file.</summary>
public sealed class ScryptIdentity : IIdentity
{
    /// <summary>Above 2^22 a hostile file could pin a CPU and gigabytes of memory for minutes.</summary>
    public const int DefaultMaxWorkFactor = 22;

    /// <summary>For key and identity files, which age and these tools seal at 2^18: a planted key file
    /// asking for 2^22 would take 4 GiB of the offline machine's memory; 2^20 caps that at 1 GiB.</summary>
    public const int KeyFileMaxWorkFactor = 20;

    readonly ReadOnlyMemory<byte> passphrase;
    readonly int maxWorkFactor;

    /// <summary>The passphrase is not copied: it is read when <see cref="Unwrap"/> runs, and stays the caller's to zero.</summary>
    public ScryptIdentity(ReadOnlyMemory<byte> passphrase, int maxWorkFactor = DefaultMaxWorkFactor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWorkFactor, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxWorkFactor, 30);
        this.passphrase = passphrase;
        this.maxWorkFactor = maxWorkFactor;
    }

    public byte[]? Unwrap(IReadOnlyList<Stanza> stanzas)
    {
        ArgumentNullException.ThrowIfNull(stanzas);
        // A passphrase file must not also open with a key: otherwise whoever holds the key could
        // hand the passphrase holder a file that looks passphrase-protected but is not.
        if (stanzas.Count != 1 && stanzas.Any(s => s.Type == ScryptRecipient.StanzaType))
            throw Malformed("an scrypt stanza must be the only one in the header");
        return Primitives.UnwrapFirst(stanzas, ScryptRecipient.StanzaType, Unwrap);
    }

    byte[]? Unwrap(Stanza stanza)
    {
        if (stanza.Arguments.Count != 2)
            throw Malformed("an scrypt stanza has two arguments");
        if (!Primitives.TryDecodeBase64(stanza.Arguments[0], out byte[] salt) || salt.Length != ScryptRecipient.SaltSize)
            throw Malformed("the scrypt salt is canonical base64 of 16 bytes");
        int workFactor = ParseWorkFactor(stanza.Arguments[1]);
        if (workFactor > maxWorkFactor)
            throw new AgeException(AgeFailure.WorkFactorTooHigh,
                $"the scrypt work factor {stanza.Arguments[1]} is above the limit {maxWorkFactor} (it would take too long)");
        if (stanza.Body.Length != Primitives.FileKeySize + Primitives.TagSize)
            throw Malformed("an scrypt stanza body wraps a 16-byte file key");

        Span<byte> wrappingKey = stackalloc byte[Primitives.KeySize];
        try
        {
            ScryptRecipient.DeriveWrappingKey(passphrase.Span, salt, workFactor, wrappingKey);
            return Primitives.UnwrapFileKey(wrappingKey, stanza.Body);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(wrappingKey);
        }
    }

    /// <summary>Decimal, no sign, no leading zero, at least 1: one spelling per value.</summary>
    static int ParseWorkFactor(string text)
    {
        if (text.Length == 0 || text[0] == '0' || !text.All(char.IsAsciiDigit))
            throw Malformed("the scrypt work factor is not a positive decimal number without leading zeros");
        // Three digits or more is far above any limit (and might overflow an int).
        return text.Length > 2 ? int.MaxValue : int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
    }

    static AgeException Malformed(string why) => new(AgeFailure.MalformedHeader, "malformed scrypt stanza: " + why);

    public override string ToString() => "ScryptIdentity";
}
