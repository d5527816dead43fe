using NSec.Cryptography;
using Reporting.Format.Age;
using CryptographicOperations = System.Security.Cryptography.CryptographicOperations;

namespace Reporting.Format.Keys;

/// <summary>The uses of Ed25519 in this system, kept apart by their Bech32 prefixes so a key
/// of one kind can never be taken for another.</summary>
public enum SigningKeyKind
{
    /// <summary>Signs rosters; lives offline. Public: <c>reportorg1…</c>; secret: <c>REPORT-ORG-KEY-1…</c>.</summary>
    Organisation,
    /// <summary>Authenticates a reviewer's fetch, delete and reply requests. Public: <c>reportaccess1…</c>.</summary>
    Access,
    /// <summary>Derived from a codename; proves a source may read a mailbox. Public: <c>reportmailbox1…</c>.</summary>
    Mailbox,
    /// <summary>Signs the server's receipts for stored reports; lives on the server, listed in the roster.
    /// Public: <c>reportreceipt1…</c>; secret: <c>REPORT-RECEIPT-KEY-1…</c>.</summary>
    Receipt,
    /// <summary>Signs the short-lived statement that a roster is still current (docs/DESIGN.md D3, after TUF's
    /// timestamp role); online, kept by the reviewers and never on the server, listed in the roster.
    /// Public: <c>reportfresh1…</c>; secret: <c>REPORT-FRESH-KEY-1…</c>.</summary>
    Freshness,
}

/// <summary>An Ed25519 private key. Holds secret bytes: dispose it.</summary>
public sealed class SigningKey : IDisposable
{
    const int SeedSize = 32;

    // NSec keeps the seed in libsodium's guarded memory, which is zeroed when the key is disposed.
    readonly Key key;

    SigningKey(SigningKeyKind kind, Key key)
    {
        Kind = kind;
        this.key = key;
        PublicKey = PublicSigningKey.FromBytes(kind, key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    public static SigningKey Generate(SigningKeyKind kind) =>
        new(kind, Key.Create(SignatureAlgorithm.Ed25519, Parameters(kind)));

    /// <summary>From a 32-byte seed (codename derivation); the caller zeroes its copy.</summary>
    public static SigningKey FromSeed(SigningKeyKind kind, ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize)
            throw new ArgumentException($"an Ed25519 seed is {SeedSize} bytes", nameof(seed));
        return new(kind, Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey, Parameters(kind)));
    }

    /// <summary>Parses <c>REPORT-ORG-KEY-1…</c> / <c>REPORT-ACCESS-KEY-1…</c>; throws FormatException.</summary>
    public static SigningKey Import(string encoded)
    {
        // The message never repeats the input: it is a secret.
        if (!Bech32.TryDecode(encoded.Trim(), out var hrp, out var seed))
            throw new FormatException("not a valid secret key: a character is wrong or missing (Bech32 checksum)");
        try
        {
            SigningKeyKind? kind = null;
            foreach (var candidate in new[] { SigningKeyKind.Organisation, SigningKeyKind.Access, SigningKeyKind.Receipt, SigningKeyKind.Freshness })
                if (string.Equals(hrp, SecretPrefix(candidate), StringComparison.OrdinalIgnoreCase))
                    kind = candidate;
            if (kind is null)
                throw new FormatException("not an organisation, access, receipt or freshness secret key (REPORT-ORG-KEY-1…, REPORT-ACCESS-KEY-1…, REPORT-RECEIPT-KEY-1…, REPORT-FRESH-KEY-1…)");
            if (seed.Length != SeedSize)
                throw new FormatException($"the secret key holds {seed.Length} bytes instead of {SeedSize}");
            return FromSeed(kind.Value, seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    public SigningKeyKind Kind { get; }
    public PublicSigningKey PublicKey { get; }

    public byte[] Sign(ReadOnlySpan<byte> data) => SignatureAlgorithm.Ed25519.Sign(key, data);

    /// <summary>Opt-in export of the secret seed as Bech32; never printed by the tools.</summary>
    public string Export()
    {
        if (Kind == SigningKeyKind.Mailbox)
            throw new InvalidOperationException("a mailbox key is derived from a codename each time and never stored");
        var seed = key.Export(KeyBlobFormat.RawPrivateKey);
        try
        {
            // Uppercase like age's AGE-SECRET-KEY-1…: a secret looks different from anything meant to be shared.
            return Bech32.Encode(SecretPrefix(Kind).ToLowerInvariant(), seed).ToUpperInvariant();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    public void Dispose() => key.Dispose();

    internal static string SecretPrefix(SigningKeyKind kind) => kind switch
    {
        SigningKeyKind.Organisation => "REPORT-ORG-KEY-",
        SigningKeyKind.Access => "REPORT-ACCESS-KEY-",
        SigningKeyKind.Receipt => "REPORT-RECEIPT-KEY-",
        SigningKeyKind.Freshness => "REPORT-FRESH-KEY-",
        _ => "REPORT-MAILBOX-KEY-",
    };

    // A mailbox key is rebuilt from the codename whenever needed, so it never has to leave guarded memory.
    static KeyCreationParameters Parameters(SigningKeyKind kind) => new()
    {
        ExportPolicy = kind == SigningKeyKind.Mailbox ? KeyExportPolicies.None : KeyExportPolicies.AllowPlaintextExport,
    };
}
