using Reporting.Report.Text;

namespace Reporting.Report.Guided;

/// <summary>What Ctrl-C does during <c>report submit</c>: while the report is being written it asks first (a second
/// Ctrl-C within a few seconds throws it away), and whatever it ends it says what became of the report: nothing
/// saved, or sealed and kept in the outbox.</summary>
sealed class Interruption : IDisposable
{
    /// <summary>Long enough to read the question, short enough that a stray Ctrl-C later is asked about again.</summary>
    static readonly TimeSpan ConfirmWithin = TimeSpan.FromSeconds(10);

    readonly TextWriter terminal;
    readonly bool askFirst;
    DateTime? firstPress;

    /// <summary>Sealed: from here on an interruption leaves a report in the outbox.</summary>
    public bool Sealed { get; set; }

    /// <param name="askFirst">Guided (a person at a terminal): the first Ctrl-C only asks.</param>
    public Interruption(TextWriter terminal, bool askFirst)
    {
        this.terminal = terminal;
        this.askFirst = askFirst;
        Console.CancelKeyPress += OnCancel;
    }

    void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        CodenameScreen.Leave(terminal);
        terminal.WriteLine();
        if (Sealed)
        {
            terminal.WriteLine($"report: {UiText.Get("InterruptedSealed")}");
            terminal.WriteLine(UiText.Hint(UiText.Get("HintQueued")));
            terminal.Flush();
            return;
        }
        var now = DateTime.UtcNow;
        if (askFirst && (firstPress is null || now - firstPress > ConfirmWithin))
        {
            firstPress = now;
            e.Cancel = true;
            terminal.WriteLine($"report: {UiText.Get("InterruptAsk")}");
            terminal.Flush();
            return;
        }
        terminal.WriteLine($"report: {UiText.Get("Cancelled")}");
        terminal.Flush();
    }

    public void Dispose() => Console.CancelKeyPress -= OnCancel;
}
