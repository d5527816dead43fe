using Reporting.Format.Codenames;
using Reporting.Report.Text;

namespace Reporting.Report.Guided;

/// <summary>Shows a new codename on the terminal's alternate screen, waits until the source has written it down,
/// then clears that screen and leaves it: the codename is never left on the screen or in the scrollback of a
/// shared computer. Without a terminal (scripts) it is printed under a label instead, for the script to take.</summary>
static class CodenameScreen
{
    // xterm's private modes, understood by every terminal emulator in use (and harmless where not): 1049 saves
    // the screen and switches to an alternate one without scrollback; 2J clears it, 3J drops the scrollback.
    const string EnterAlternate = "\x1b[?1049h\x1b[2J\x1b[H";
    const string ClearAndLeave = "\x1b[2J\x1b[3J\x1b[H\x1b[?1049l";

    /// <summary>True while the codename is on the alternate screen (so an interruption leaves it first).</summary>
    public static bool Showing { get; private set; }

    public static void Show(Codename codename, TextReader input, TextWriter terminal)
    {
        terminal.Write(EnterAlternate);
        Showing = true;
        try
        {
            terminal.WriteLine(UiText.Get("CodenameIntro"));
            terminal.WriteLine();
            foreach (var line in Lines(codename))
                terminal.WriteLine("    " + line);
            terminal.WriteLine();
            terminal.WriteLine(codename.Wordlist is null ? UiText.Get("CodenameAdviceDigits") : UiText.Get("CodenameAdvice"));
            terminal.WriteLine(UiText.Get("CodenameWatchers"));
            terminal.WriteLine();
            terminal.Write(UiText.Get("CodenamePressEnter") + " ");
            terminal.Flush();
            input.ReadLine();
        }
        finally
        {
            Leave(terminal);
        }
        terminal.WriteLine(UiText.Get("CodenameCleared"));
    }

    /// <summary>Clears and leaves the alternate screen if the codename is on it.</summary>
    public static void Leave(TextWriter terminal)
    {
        if (!Showing)
            return;
        terminal.Write(ClearAndLeave);
        terminal.Flush();
        Showing = false;
    }

    /// <summary>For scripts: a line of its own under a label (grep -A1 codename | tail -1).</summary>
    public static void Print(Codename codename)
    {
        Console.Error.WriteLine();
        Console.Error.WriteLine(UiText.Get("CodenameIntro"));
        Console.Out.WriteLine("codename:");
        Console.Out.WriteLine($"  {codename}");
        Console.Out.Flush();
        Console.Error.WriteLine(codename.Wordlist is null ? UiText.Get("CodenameAdviceDigits") : UiText.Get("CodenameAdvice"));
        Console.Error.WriteLine();
    }

    /// <summary>Words in two lines of four, digits in one line of seven groups: easy to copy without losing one's place.</summary>
    static IEnumerable<string> Lines(Codename codename)
    {
        var parts = codename.ToString().Split(' ');
        if (codename.Wordlist is null)
            return [string.Join("  ", parts)];
        return [string.Join("   ", parts[..4]), string.Join("   ", parts[4..])];
    }
}
