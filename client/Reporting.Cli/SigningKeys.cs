using Reporting.Format.Age;
using Reporting.Format.Keys;

namespace Reporting.Cli;

/// <summary>Reads a passphrase-sealed signing key file (organisation or access key) for a command,
/// asking for the passphrase, with the failures worded for the user.</summary>
public static class SigningKeys
{
    public static SigningKey Read(string path, string? passphraseFile, SigningKeyKind kind, string hintWhenMissing)
    {
        if (!File.Exists(path))
            throw new ToolException($"no key file at {path}", hintWhenMissing);
        try
        {
            return Passphrase.Open(passphraseFile, $"Passphrase for {Path.GetFileName(path)}: ", passphrase => KeyFile.ReadSigningKey(path, passphrase, kind));
        }
        catch (AgeException e) when (e.Failure == AgeFailure.NoIdentityMatched)
        {
            throw new ToolException($"wrong passphrase for {Path.GetFileName(path)}");
        }
        catch (AgeException e)
        {
            throw Explain.Age(e, path);
        }
        catch (FormatException e)
        {
            throw new ToolException($"{path}: {e.Message}");
        }
    }
}
