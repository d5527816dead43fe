using System.Text;
using Reporting.Format.Age;

namespace Reporting.Cli;

/// <summary>What a tool holds against a new passphrase (too weak, the same as another key's): the reason,
/// or null. At the prompt such a passphrase is refused and asked again, with the hint; from a file it is
/// taken with a warning, so that scripts keep working.</summary>
public sealed record PassphraseJudge(string Tool, Func<byte[], string?> ProblemOf, string Hint);

/// <summary>Secrets come from a prompt without echo or from a file, never from argv or the environment.</summary>
public static class Passphrase
{
    /// <summary>A new passphrase may be refused (or a wrong one typed) this often at the prompt before the command gives up.</summary>
    const int Tries = 3;

    /// <summary>Reads the first line of <paramref name="file"/>, or prompts on the terminal (twice when
    /// <paramref name="confirm"/>). A new passphrase is held to <paramref name="judge"/>. The caller zeroes
    /// the returned bytes when done.</summary>
    public static byte[] Read(string? file, string prompt, bool confirm = false, PassphraseJudge? judge = null)
    {
        if (file is not null)
        {
            var taken = ReadFile(file);
            if (judge?.ProblemOf(taken) is { } weakness)
            {
                Console.Error.WriteLine($"{judge.Tool}: warning: the passphrase in {file} {weakness}");
                Console.Error.WriteLine($"{judge.Tool}: hint: {judge.Hint}");
            }
            return taken;
        }

        if (Console.IsInputRedirected)
            throw new ToolException("no terminal to ask for the passphrase", "give it in a file with --passphrase-file FILE");

        for (var attempt = 1; ; attempt++)
        {
            var first = Prompt(prompt);
            if (judge?.ProblemOf(first) is { } problem)
            {
                Array.Clear(first);
                if (attempt == Tries)
                    throw new ToolException($"the passphrase {problem}", judge.Hint);
                Console.Error.WriteLine($"{judge.Tool}: that passphrase {problem}; choose another");
                Console.Error.WriteLine($"{judge.Tool}: hint: {judge.Hint}");
                continue;
            }
            if (!confirm)
                return first;
            var second = Prompt("Confirm passphrase: ");
            try
            {
                if (!first.AsSpan().SequenceEqual(second))
                {
                    Array.Clear(first);
                    throw new ToolException("the passphrases do not match");
                }
                return first;
            }
            finally
            {
                Array.Clear(second);
            }
        }
    }

    /// <summary>Reads the passphrase and opens with it; a wrong one typed at the prompt is asked for again, up to
    /// three times in all (a typing slip must not end the command). From a file it is tried once.</summary>
    public static T Open<T>(string? file, string prompt, Func<byte[], T> open)
    {
        for (var attempt = 1; ; attempt++)
        {
            var passphrase = Read(file, prompt);
            try
            {
                return open(passphrase);
            }
            catch (AgeException e) when (e.Failure == AgeFailure.NoIdentityMatched && file is null && attempt < Tries)
            {
                Console.Error.WriteLine($"wrong passphrase; try again ({Tries - attempt} more)");
            }
            finally
            {
                Array.Clear(passphrase);
            }
        }
    }

    static byte[] ReadFile(string file)
    {
        var bytes = File.ReadAllBytes(file);
        try
        {
            var end = Array.IndexOf(bytes, (byte)'\n');
            var length = end < 0 ? bytes.Length : end;
            if (length > 0 && bytes[length - 1] == '\r')
                length--;
            if (length == 0)
                throw new ToolException($"the passphrase file {file} is empty");
            return bytes.AsSpan(0, length).ToArray();
        }
        finally
        {
            Array.Clear(bytes);
        }
    }

    static byte[] Prompt(string prompt)
    {
        Console.Error.Write(prompt);
        var chars = MaskedInput.ReadLine(mark: null, 1024, "the passphrase is too long");
        try
        {
            if (chars.Length == 0)
                throw new ToolException("the passphrase is empty");
            return Encoding.UTF8.GetBytes(chars);
        }
        finally
        {
            Array.Clear(chars);
        }
    }
}
