using System.Collections.Concurrent;

namespace Reporting.Testing.Attacks;

/// <summary>One of the cheap attacks a disruptor can run against the server (threat-model.md), at a stated strength,
/// from the moment it is started until it is disposed. What it sent and what the server answered are tallied, so a
/// run can show the attack was really under way. Shared by the <c>attack</c> benchmark and the client tests that run
/// each attack while a real <c>report submit</c> goes through.</summary>
public abstract class Attack : IAsyncDisposable
{
    readonly CancellationTokenSource _stop = new();
    readonly ConcurrentDictionary<string, long> _tally = new();
    Task _running = Task.CompletedTask;

    protected Attack(Uri server) => Server = server;

    protected Uri Server { get; }

    /// <summary>What it is, in a few words.</summary>
    public abstract string Name { get; }

    /// <summary>How hard it pushes, in numbers (connections, bytes or requests per second).</summary>
    public abstract string Strength { get; }

    /// <summary>Counts by outcome ("401", "closed", "tokens", …).</summary>
    public IReadOnlyDictionary<string, long> Tally => _tally;

    public long Count(string outcome) => _tally.GetValueOrDefault(outcome);

    public string Describe() => string.Join(", ", _tally.OrderBy(p => p.Key).Select(p => $"{p.Key}×{p.Value}"));

    protected void Record(string outcome, long by = 1) => _tally.AddOrUpdate(outcome, by, (_, n) => n + by);

    /// <summary>Runs until <paramref name="stop"/>; exceptions of single connections are the attack's own business.</summary>
    protected abstract Task RunAsync(CancellationToken stop);

    public Attack Start()
    {
        _running = Task.Run(() => RunAsync(_stop.Token));
        return this;
    }

    /// <summary>Runs <paramref name="workers"/> copies of <paramref name="work"/> until stopped, each starting again
    /// after it ends or fails.</summary>
    protected static Task Repeat(int workers, CancellationToken stop, Func<int, CancellationToken, Task> work) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await work(worker, stop);
                }
                catch (Exception) when (!stop.IsCancellationRequested)
                {
                    await Task.Delay(50, CancellationToken.None);
                }
                catch (Exception)
                {
                }
            }
        }, CancellationToken.None)));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }
}
