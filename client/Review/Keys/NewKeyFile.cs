using Reporting.Cli;
using Reporting.Format.Keys;

namespace Reporting.Review.Keys;

/// <summary>A signing key made whole by one command (the organisation key, the freshness key): a new key, a new
/// passphrase judged as every new passphrase is, and a file that never replaces an existing key.</summary>
static class NewKeyFile
{
    /// <summary>A new signing key of <paramref name="kind"/>, written to <paramref name="path"/> sealed with a new
    /// passphrase (asked twice and judged, or read from a file). Never overwrites a key.</summary>
    public static SigningKey Write(string path, string? passphraseFile, SigningKeyKind kind, string what)
    {
        if (File.Exists(path) || Directory.Exists(path))
            throw new ToolException($"{path} already exists", $"{what} is never overwritten: choose another --out");
        var passphrase = Passphrase.Read(passphraseFile, $"Passphrase for {what}: ", confirm: true, NewPassphrase.For(what));
        var key = SigningKey.Generate(kind);
        try
        {
            KeyFile.WriteSigningKey(path, key, passphrase);
            return key;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            key.Dispose();
            throw new ToolException($"cannot write {path}: {e.Message}");
        }
        finally
        {
            Array.Clear(passphrase);
        }
    }
}
