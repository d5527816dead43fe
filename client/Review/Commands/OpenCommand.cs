using System.CommandLine;
using System.Text;
using Reporting.Cli;
using Reporting.Format.Age;
using Reporting.Format.Bundles;
using Reporting.Format.IO;

namespace Reporting.Review.Commands;

/// <summary><c>review open</c>: decrypt any age file, with identity files or a passphrase.</summary>
static class OpenCommand
{
    public static Command Create()
    {
        var identities = new Option<string[]>("--identity", "-i") { Description = "An identity file, plain (AGE-SECRET-KEY-PQ-1… or AGE-SECRET-KEY-1… lines) or passphrase-encrypted; repeat for several. Without it, the file must be passphrase-encrypted" };
        var output = new Option<string?>("--output", "-o") { Description = "Write the plaintext to this new file (it appears only if everything decrypts), or to a device or pipe; default: standard output" };
        var passphraseFile = new Option<string?>("--passphrase-file") { Description = "Read the passphrase (of the identity files, or of the file) from this file instead of asking" };
        var input = new Argument<string?>("IN") { Description = "The age file (binary or armored); default: standard input", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("open", "Decrypt an age file, e.g. one that came by USB or chat") { identities, output, passphraseFile, input };
        command.SetAction(result => Run(result.GetValue(identities) ?? [], result.GetValue(output), result.GetValue(passphraseFile), result.GetValue(input)));
        return command;
    }

    static int Run(string[] identityFiles, string? outputPath, string? passphraseFile, string? inputPath)
    {
        var what = inputPath is null or "-" ? "the input" : inputPath;
        // Fail before any passphrase is asked: the output must be free and the input readable.
        // Not made durable: it is a copy of what the age file still holds, and a power cut that loses it loses
        // nothing. It still appears only once every chunk has authenticated, so a failure leaves no plaintext.
        using var output = CommandFiles.CreateOutput(outputPath, durable: false);
        using var input = CommandFiles.OpenInput(inputPath);

        List<IKeyIdentity> loaded = [];
        try
        {
            foreach (var file in identityFiles)
                loaded.AddRange(Identities.Load(file, passphraseFile));
            var types = new StanzaTypes();
            var passphrase = new AskedPassphrase(passphraseFile, $"Passphrase for {Path.GetFileName(what)}: ");
            List<IIdentity> candidates = [types, .. loaded];
            if (identityFiles.Length == 0)
                candidates.Add(passphrase);
            try
            {
                if (output.IsTerminal)
                {
                    ShowOnTerminal(input, candidates, output.Stream);
                    return 0;
                }
                AgeFile.Open(input, output.Stream, candidates);
                output.Commit();
                return 0;
            }
            catch (AgeException e) when (e.Failure == AgeFailure.NoIdentityMatched)
            {
                throw NoMatch(what, identityFiles.Length > 0, types.Seen, loaded);
            }
            catch (AgeException e)
            {
                throw Explain.Age(e, what);
            }
            finally
            {
                passphrase.Dispose();
            }
        }
        finally
        {
            foreach (var identity in loaded)
                identity.Dispose();
        }
    }

    /// <summary>More than a screenful of text is for a file, not a terminal.</summary>
    const int MaxTerminalBytes = 1 << 20;

    /// <summary>Decrypted bytes may be hostile: on a terminal, only text is shown, with escape and bidi
    /// characters made visible; anything else goes to a file with -o.</summary>
    static void ShowOnTerminal(Stream input, IReadOnlyList<IIdentity> identities, Stream terminal)
    {
        using var memory = new MemoryStream();
        using (var bounded = new CountingWriteStream(memory, written =>
               {
                   if (written > MaxTerminalBytes)
                       throw new ToolException("the plaintext is too long to show on the terminal", "write it to a file with -o FILE");
               }))
            AgeFile.Open(input, bounded, identities);
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(memory.GetBuffer(), 0, (int)memory.Length);
        }
        catch (DecoderFallbackException)
        {
            throw new ToolException("the plaintext is not text: refusing to print it to the terminal", "write it to a file with -o FILE");
        }
        finally
        {
            Array.Clear(memory.GetBuffer());
        }
        terminal.Write(Encoding.UTF8.GetBytes(VisibleText.Escape(text, multiline: true)));
        terminal.Flush();
    }

    /// <summary>Says which of three different mistakes the user made.</summary>
    static ToolException NoMatch(string what, bool withIdentities, IReadOnlySet<string> stanzaTypes, IReadOnlyList<IKeyIdentity> identities)
    {
        var passphraseEncrypted = stanzaTypes.Contains("scrypt");
        if (withIdentities && passphraseEncrypted)
            return new ToolException($"{what} is encrypted with a passphrase, not to an identity", "run review open without --identity");
        // A post-quantum file tried with classic identities only (or the reverse) is a mix-up of key files.
        if (withIdentities && stanzaTypes.Contains("mlkem768x25519") && !identities.Any(i => i is HybridIdentity))
            return new ToolException($"{what} is sealed to post-quantum (age1pq1…) recipients, and the identities given are all classic",
                "give the AGE-SECRET-KEY-PQ-1… identity (review keygen makes one by default)");
        if (withIdentities && stanzaTypes.Contains("X25519") && !identities.Any(i => i is X25519Identity))
            return new ToolException($"{what} is sealed to classic (age1…) recipients, and the identities given are all post-quantum",
                "give the AGE-SECRET-KEY-1… identity it was sealed to (one made with --classic, or an earlier one)");
        if (withIdentities)
            return new ToolException($"none of the identities given can open {what}",
                "it was sealed to other recipients: check that you gave the right identity file");
        if (passphraseEncrypted)
            return new ToolException($"wrong passphrase for {what}");
        return new ToolException($"{what} is not encrypted with a passphrase", "give the identity it was sealed to: review open --identity FILE");
    }

    /// <summary>Opens nothing; notes which stanza types the header holds, to explain a failure.</summary>
    sealed class StanzaTypes : IIdentity
    {
        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);

        public byte[]? Unwrap(IReadOnlyList<Stanza> stanzas)
        {
            foreach (var stanza in stanzas)
                Seen.Add(stanza.Type);
            return null;
        }
    }

    /// <summary>A passphrase identity that asks for the passphrase only when the file has a scrypt stanza.</summary>
    sealed class AskedPassphrase(string? passphraseFile, string prompt) : IIdentity, IDisposable
    {
        byte[]? passphrase;

        public byte[]? Unwrap(IReadOnlyList<Stanza> stanzas)
        {
            if (!stanzas.Any(s => s.Type == "scrypt"))
                return null;
            passphrase ??= Passphrase.Read(passphraseFile, prompt);
            return new ScryptIdentity(passphrase).Unwrap(stanzas);
        }

        public void Dispose()
        {
            if (passphrase is not null)
                Array.Clear(passphrase);
        }
    }
}
