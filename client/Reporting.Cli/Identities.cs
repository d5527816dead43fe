using Reporting.Format.Age;

namespace Reporting.Cli;

/// <summary>Loads age identities from a file, plain or passphrase-encrypted, asking for the passphrase
/// only when the file needs one.</summary>
public static class Identities
{
    public static IReadOnlyList<IKeyIdentity> Load(string path, string? passphraseFile)
    {
        if (!File.Exists(path))
            throw new ToolException($"no identity file at {path}", "create one with: review keygen --name NAME --out DIR");
        var content = File.ReadAllBytes(path);
        try
        {
            if (!IdentityFile.IsEncrypted(content))
                return IdentityFile.Parse(content);
            return Passphrase.Open(passphraseFile, $"Passphrase for {Path.GetFileName(path)}: ", passphrase => IdentityFile.Open(content, passphrase));
        }
        catch (AgeException e) when (e.Failure is AgeFailure.NoIdentityMatched)
        {
            throw new ToolException($"wrong passphrase for {Path.GetFileName(path)}");
        }
        catch (AgeException e)
        {
            throw new ToolException($"{Path.GetFileName(path)} is not a usable identity file: {e.Message}");
        }
        finally
        {
            Array.Clear(content);
        }
    }
}
