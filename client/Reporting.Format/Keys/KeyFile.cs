using System.Globalization;
using System.Text;
using Reporting.Format.Age;
using Reporting.Format.IO;
using CryptographicOperations = System.Security.Cryptography.CryptographicOperations;

namespace Reporting.Format.Keys;

/// <summary>Key files on disk: the secret line (plus <c># public key: …</c> comment) sealed with a passphrase
/// in age's scrypt format, so <c>age -d</c> opens them too. Written atomically with mode 0600.</summary>
public static class KeyFile
{
    /// <summary>A key file's plaintext is a few hundred bytes; anything much larger is not one.</summary>
    const int MaxPlaintext = 4096;

    /// <summary>Throws IOException when <paramref name="path"/> already exists: a key is never overwritten.</summary>
    public static void WriteIdentity(string path, IKeyIdentity identity, ReadOnlyMemory<byte> passphrase) =>
        Write(path, identity.Recipient.ToString()!, identity.Export(), passphrase);

    /// <summary>Throws IOException when <paramref name="path"/> already exists: a key is never overwritten.</summary>
    public static void WriteSigningKey(string path, SigningKey key, ReadOnlyMemory<byte> passphrase) =>
        Write(path, key.PublicKey.ToString(), key.Export(), passphrase);

    /// <summary>Reads a signing key file; throws AgeException (NoIdentityMatched: wrong passphrase) or FormatException.</summary>
    public static SigningKey ReadSigningKey(string path, ReadOnlyMemory<byte> passphrase, SigningKeyKind expected)
    {
        var plaintext = new byte[MaxPlaintext];
        try
        {
            var length = Open(path, passphrase, plaintext);
            var secrets = Encoding.UTF8.GetString(plaintext, 0, length)
                .Split('\n')
                .Select(line => line.Trim())
                .Where(line => line.Length > 0 && !line.StartsWith('#'))
                .ToList();
            if (secrets.Count != 1)
                throw new FormatException($"a key file holds exactly one secret key, this one {secrets.Count}");
            var key = SigningKey.Import(secrets[0]);
            if (key.Kind != expected)
            {
                var kind = key.Kind;
                key.Dispose();
                throw new FormatException($"it holds {PublicSigningKey.Describe(kind)}, not {PublicSigningKey.Describe(expected)}");
            }
            return key;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    static int Open(string path, ReadOnlyMemory<byte> passphrase, byte[] plaintext)
    {
        using var file = File.OpenRead(path);
        if (file.Length > 64 * 1024)
            throw new FormatException("it is too large to be a key file");
        using var opened = AgeFile.Open(file, [new ScryptIdentity(passphrase, ScryptIdentity.KeyFileMaxWorkFactor)]);
        var length = 0;
        while (true)
        {
            if (length == plaintext.Length)
                throw new FormatException("it holds more than a key file does");
            var read = opened.Read(plaintext, length, plaintext.Length - length);
            if (read == 0)
                return length;
            length += read;
        }
    }

    static void Write(string path, string publicKey, string secret, ReadOnlyMemory<byte> passphrase)
    {
        // The day only: the time of creation would be one more fact about its owner.
        var created = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var plaintext = Encoding.UTF8.GetBytes($"# created: {created}\n# public key: {publicKey}\n{secret}\n");
        try
        {
            using var file = AtomicFile.Create(path, AtomicFile.Private);
            using (var sealing = AgeFile.Seal(file.Stream, [new ScryptRecipient(passphrase)], armor: false, leaveOpen: true))
                sealing.Write(plaintext);
            file.Commit();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
