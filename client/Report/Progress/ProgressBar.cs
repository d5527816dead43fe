using System.Diagnostics;
using Reporting.Report.Text;

namespace Reporting.Report.Progress;

/// <summary>Shows how a long step goes, on stderr: a redrawn bar when stderr is a terminal, otherwise
/// one plain line when the step starts and one when it ends (logs and pipes stay readable).</summary>
sealed class ProgressBar : IDisposable
{
    const int Width = 30;
    // Redrawing more often than this only costs time on a slow remote terminal.
    static readonly TimeSpan RedrawEvery = TimeSpan.FromMilliseconds(150);

    readonly string label;
    readonly long total;
    readonly bool terminal = !Console.IsErrorRedirected;
    readonly Stopwatch sinceRedraw = Stopwatch.StartNew();
    readonly Lock gate = new();
    long done;
    bool finished;

    /// <param name="total">The expected amount; 0 when unknown.</param>
    public ProgressBar(string label, long total)
    {
        this.label = label;
        this.total = total;
        if (terminal)
            Draw();
        else
            Console.Error.WriteLine($"report: {label}…");
    }

    public void Report(long value)
    {
        lock (gate)
        {
            done = value;
            if (!terminal || finished || sinceRedraw.Elapsed < RedrawEvery)
                return;
            sinceRedraw.Restart();
            Draw();
        }
    }

    public void Complete()
    {
        lock (gate)
        {
            if (finished)
                return;
            finished = true;
            if (terminal)
            {
                done = total;
                Draw();
                Console.Error.WriteLine();
            }
            else
                Console.Error.WriteLine($"report: {label}: {UiText.Get("ProgressDone")}");
        }
    }

    /// <summary>Ends the line without claiming success (a failed or abandoned step).</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (finished)
                return;
            finished = true;
            if (terminal)
                Console.Error.WriteLine();
        }
    }

    void Draw()
    {
        string bar;
        if (total > 0)
        {
            var fraction = Math.Clamp((double)done / total, 0, 1);
            var filled = (int)(fraction * Width);
            bar = $"[{new string('#', filled)}{new string('.', Width - filled)}] {fraction * 100,3:0}%";
        }
        else
            bar = $"[{new string('.', Width)}]";
        Console.Error.Write($"\r{label} {bar}  ");
    }
}
