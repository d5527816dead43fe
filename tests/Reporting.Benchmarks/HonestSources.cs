using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Reporting.Format.Protocol;

namespace Reporting.Benchmarks;

/// <summary>Sources submitting 64 KiB reports as the <c>report</c> tool does: each report on a fresh connection (a
/// source reaches us once), a fresh challenge solved at the difficulty its size needs, the upload, and on a refusal
/// that says "busy" (429, 503, 408, 403, a dropped connection) the same again after the pause the server asked for,
/// until the report is delivered or a minute has passed. A report's latency runs from its first request to its 201,
/// retries and pauses included, the solving of challenges excluded (that is the source's CPU, not the server).</summary>
public sealed class HonestSources(Uri server, byte[] envelope, int sources, TimeSpan pause)
{
    /// <summary>The goal: every honest report delivered within a minute.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    /// <param name="Retries">What made reports try again, by answer ("429", "error", …).</param>
    public sealed record Outcome(int Attempted, int Delivered, double P50Ms, double P99Ms, double WorstMs, string Retries)
    {
        public bool AllWithinPatience => Delivered == Attempted && WorstMs <= Patience.TotalMilliseconds;
    }

    /// <summary>Submits until <paramref name="duration"/> has passed (reports under way then are finished), each
    /// source pausing <c>pause</c> between its reports.</summary>
    public async Task<Outcome> RunAsync(TimeSpan duration)
    {
        var latencies = new List<double>();
        var attempted = 0;
        _retries.Clear();
        var until = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, sources).Select(async source =>
        {
            // Spread the sources' first reports over the pause, as independent people would.
            await Task.Delay(pause * source / sources);
            while (until.Elapsed < duration)
            {
                Interlocked.Increment(ref attempted);
                if (await SubmitAsync() is { } ms)
                    lock (latencies)
                        latencies.Add(ms);
                await Task.Delay(pause);
            }
        }));
        var sorted = latencies.Order().ToArray();
        double At(double quantile) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * quantile))];
        return new Outcome(attempted, sorted.Length, At(0.5), At(0.99), sorted.Length == 0 ? double.NaN : sorted[^1],
            string.Join(", ", _retries.OrderBy(p => p.Key).Select(p => $"{p.Key}×{p.Value}")));
    }

    readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _retries = new();

    void Retried(string why) => _retries.AddOrUpdate(why, 1, (_, n) => n + 1);

    /// <summary>Milliseconds to delivery, or null when the report was not delivered within <see cref="Patience"/>.</summary>
    async Task<double?> SubmitAsync()
    {
        var key = Load.NewIdempotencyKey();
        var waited = Stopwatch.StartNew();
        double solving = 0;
        while (waited.Elapsed < Patience)
        {
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = server, Timeout = Patience };
            TimeSpan? retryAfter = null;
            try
            {
                using var challengeResponse = await http.PostAsync(Routes.Challenges, null);
                if (challengeResponse.StatusCode == HttpStatusCode.Created)
                {
                    var challenge = (await challengeResponse.Content.ReadFromJsonAsync(ProtocolJson.Default.IssuedChallenge))!;
                    var solve = Stopwatch.StartNew();
                    var nonce = ProofOfWork.Solve(Encoding.ASCII.GetBytes(challenge.Challenge), ProofOfWork.DifficultyFor(challenge.Difficulty, envelope.Length));
                    solving += solve.Elapsed.TotalMilliseconds;
                    using var request = Load.Submission(server, challenge.Challenge, envelope, key, nonce);
                    using var response = await http.SendAsync(request);
                    if (response.StatusCode == HttpStatusCode.Created)
                        return waited.Elapsed.TotalMilliseconds - solving;
                    Retried(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    retryAfter = response.Headers.RetryAfter?.Delta;
                }
                else
                {
                    Retried("challenge " + (int)challengeResponse.StatusCode);
                    retryAfter = challengeResponse.Headers.RetryAfter?.Delta;
                }
            }
            catch (HttpRequestException e)
            {
                Retried(e.HttpRequestError.ToString());
            }
            await Task.Delay(retryAfter ?? TimeSpan.FromSeconds(1));
        }
        return null;
    }
}
