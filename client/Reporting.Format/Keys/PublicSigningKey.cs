using NSec.Cryptography;
using Reporting.Format.Age;

namespace Reporting.Format.Keys;

/// <summary>An Ed25519 public key with its kind, shown as checksummed Bech32 (<c>reportorg1…</c>).</summary>
public sealed class PublicSigningKey : IEquatable<PublicSigningKey>
{
    const int Size = 32;

    readonly byte[] bytes;
    readonly PublicKey key;

    PublicSigningKey(SigningKeyKind kind, byte[] bytes, PublicKey key)
    {
        Kind = kind;
        this.bytes = bytes;
        this.key = key;
    }

    /// <summary>Parses any kind; false on a typo (Bech32 checksum), wrong length or unknown prefix.</summary>
    public static bool TryParse(string encoded, out PublicSigningKey? key)
    {
        key = null;
        if (string.IsNullOrEmpty(encoded) || !Bech32.TryDecode(encoded, out var hrp, out var data))
            return false;
        foreach (var kind in Enum.GetValues<SigningKeyKind>())
        {
            if (string.Equals(hrp, Prefix(kind), StringComparison.OrdinalIgnoreCase))
                return TryCreate(kind, data, out key);
        }
        return false;
    }

    public static PublicSigningKey Parse(string encoded, SigningKeyKind expected)
    {
        // The input is not repeated: someone may have pasted a secret key by mistake.
        if (!TryParse(encoded, out var key))
            throw new FormatException($"not a valid {Describe(expected)}: it looks like {Prefix(expected)}1… and a typo breaks its checksum");
        if (key!.Kind != expected)
            throw new FormatException($"this is {Describe(key.Kind)}, not {Describe(expected)}");
        return key;
    }

    public static PublicSigningKey FromBytes(SigningKeyKind kind, ReadOnlySpan<byte> bytes) =>
        TryCreate(kind, bytes.ToArray(), out var key)
            ? key!
            : throw new ArgumentException($"an Ed25519 public key is {Size} bytes", nameof(bytes));

    /// <summary>Null when the bytes are not an Ed25519 public key.</summary>
    public static PublicSigningKey? FromBytesOrNull(SigningKeyKind kind, ReadOnlySpan<byte> bytes) =>
        TryCreate(kind, bytes.ToArray(), out var key) ? key : null;

    public SigningKeyKind Kind { get; }
    public ReadOnlySpan<byte> Bytes => bytes;

    /// <summary>False (never an exception) when the signature does not verify.</summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        signature.Length == SignatureAlgorithm.Ed25519.SignatureSize
        && SignatureAlgorithm.Ed25519.Verify(key, data, signature);

    public override string ToString() => Bech32.Encode(Prefix(Kind), bytes);

    public bool Equals(PublicSigningKey? other) =>
        other is not null && other.Kind == Kind && other.bytes.AsSpan().SequenceEqual(bytes);

    public override bool Equals(object? obj) => Equals(obj as PublicSigningKey);

    public override int GetHashCode() => HashCode.Combine(Kind, BitConverter.ToInt32(bytes, 0));

    internal static string Prefix(SigningKeyKind kind) => kind switch
    {
        SigningKeyKind.Organisation => "reportorg",
        SigningKeyKind.Access => "reportaccess",
        SigningKeyKind.Receipt => "reportreceipt",
        SigningKeyKind.Freshness => "reportfresh",
        _ => "reportmailbox",
    };

    internal static string Describe(SigningKeyKind kind) => kind switch
    {
        SigningKeyKind.Organisation => "an organisation key (reportorg1…)",
        SigningKeyKind.Access => "an access key (reportaccess1…)",
        SigningKeyKind.Receipt => "a receipt key (reportreceipt1…)",
        SigningKeyKind.Freshness => "a freshness key (reportfresh1…)",
        _ => "a mailbox key (reportmailbox1…)",
    };

    static bool TryCreate(SigningKeyKind kind, byte[] bytes, out PublicSigningKey? key)
    {
        key = null;
        if (bytes.Length != Size || !PublicKey.TryImport(SignatureAlgorithm.Ed25519, bytes, KeyBlobFormat.RawPublicKey, out var imported) || imported is null)
            return false;
        key = new PublicSigningKey(kind, bytes, imported);
        return true;
    }
}
