using System.Diagnostics;
using System.Text;

namespace Reporting.Client.Tests.Infrastructure;

/// <summary>Runs a tool on a pseudo-terminal (util-linux <c>script</c>), so it sees a terminal as a person's
/// would, and answers its questions: <see cref="Expect"/> waits for text on the screen, <see cref="SendLine"/> types.</summary>
public sealed class Pty : IDisposable
{
    readonly Process process;
    readonly StringBuilder screen = new();
    readonly Lock gate = new();
    int consumed;
    readonly Task reading;

    public Pty(string tool, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var command = string.Join(' ', new[] { Path.Combine(AppContext.BaseDirectory, tool) }.Concat(arguments).Select(Quote));
        var start = new ProcessStartInfo("script")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        foreach (var argument in new[] { "-q", "-f", "-e", "-c", command, "/dev/null" })
            start.ArgumentList.Add(argument);
        start.Environment.Remove("REPORT_HOME");
        start.Environment["TERM"] = "xterm";
        start.Environment["LANG"] = "C.UTF-8";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        process = Process.Start(start)!;
        reading = Task.Run(ReadLoop);
    }

    public string Screen { get { lock (gate) return screen.ToString(); } }

    async Task ReadLoop()
    {
        var buffer = new char[4096];
        int read;
        while ((read = await process.StandardOutput.ReadAsync(buffer)) > 0)
            lock (gate)
                screen.Append(buffer, 0, read);
    }

    /// <summary>Waits until <paramref name="text"/> appears after what earlier calls already matched.</summary>
    public void Expect(string text, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var exited = false;
        while (deadline.Elapsed < (timeout ?? TimeSpan.FromSeconds(60)))
        {
            // Once the program has ended, what it printed may still be on its way: read it all, look once more.
            if (process.HasExited)
            {
                reading.Wait(TimeSpan.FromSeconds(10));
                exited = true;
            }
            lock (gate)
            {
                var index = screen.ToString().IndexOf(text, consumed, StringComparison.Ordinal);
                if (index >= 0)
                {
                    consumed = index + text.Length;
                    return;
                }
            }
            if (exited)
                break;
            Thread.Sleep(50);
        }
        throw new TimeoutException($"'{text}' did not appear. Screen:\n{Screen}");
    }

    public void SendLine(string line)
    {
        process.StandardInput.Write(line + "\r");
        process.StandardInput.Flush();
    }

    /// <summary>Ctrl-C as a person presses it: the terminal turns it into SIGINT for the program.</summary>
    public void SendControlC()
    {
        process.StandardInput.Write("\x03");
        process.StandardInput.Flush();
    }

    public int WaitForExit(TimeSpan? timeout = null)
    {
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
            throw new TimeoutException($"the program did not end. Screen:\n{Screen}");
        process.WaitForExit();
        return process.ExitCode;
    }

    static string Quote(string argument) => "'" + argument.Replace("'", "'\\''") + "'";

    public void Dispose()
    {
        if (!process.HasExited)
            process.Kill(entireProcessTree: true);
        process.Dispose();
    }
}
