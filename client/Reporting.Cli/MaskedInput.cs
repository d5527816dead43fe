namespace Reporting.Cli;

/// <summary>A line typed at the terminal that is never shown: nothing at all (a passphrase), or one mark per
/// character (a codename, so that someone typing through an input method sees that each word arrived).</summary>
public static class MaskedInput
{
    /// <summary>The characters typed, up to Enter; Backspace takes one back. The caller clears the array.</summary>
    public static char[] ReadLine(char? mark, int maxLength, string tooLong)
    {
        var chars = new char[maxLength];
        var length = 0;
        try
        {
            while (true)
            {
                var key = Console.ReadKey(intercept: true);
                if (key.Key == ConsoleKey.Enter)
                    break;
                if (key.Key == ConsoleKey.Backspace)
                {
                    if (length > 0)
                    {
                        length--;
                        if (mark is not null)
                            Console.Error.Write("\b \b");
                    }
                    continue;
                }
                if (key.KeyChar == '\0')
                    continue;
                if (length == chars.Length)
                    throw new ToolException(tooLong);
                chars[length++] = key.KeyChar;
                if (mark is { } shown)
                    Console.Error.Write(shown);
            }
            Console.Error.WriteLine();
            return chars[..length];
        }
        finally
        {
            Array.Clear(chars);
        }
    }
}
