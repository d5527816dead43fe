using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Polly;
using Polly.CircuitBreaker;
using Reporting.Format.IO;
using Reporting.Cli.Network;
using Reporting.Format.Protocol;
using Reporting.Report.Outbox;
using Reporting.Report.Progress;
using Reporting.Report.Text;

namespace Reporting.Report.Delivery;

/// <summary>What became of one envelope.</summary>
enum DeliveryOutcome
{
    /// <summary>The server acknowledged it (201): it is stored and the outbox entry is gone.</summary>
    Delivered,
    /// <summary>Not reached or not acknowledged: it stays in the outbox for <c>report send</c>.</summary>
    Queued,
    /// <summary>The server answered that it will not take it (4xx): it stays in the outbox, marked.</summary>
    Refused,
    /// <summary>The server no longer accepts the roster version it was sealed to (409): it stays in the outbox,
    /// marked, and is not sent again; it can be exported to carry by hand, or written again.</summary>
    RosterRefused,
    /// <summary>The server is plainly unreachable: this and the remaining envelopes were not tried.</summary>
    Unreachable,
    /// <summary>Larger than the server takes (413, or its published limit): marked, never sent again.</summary>
    TooLarge,
}

sealed record DeliveryResult(DeliveryOutcome Outcome, string? ReportId, string? Problem);

/// <summary>Delivers outbox envelopes (D7, D8): a fresh challenge, the proof of work, then the upload with
/// the entry's idempotency key, each attempt under the retry/timeout/circuit-breaker pipeline. A retry
/// after a lost answer reuses the key, so the server stores the report once and answers with the same id.
/// Each envelope goes over a client of its own: its own connection and, through Tor, its own circuit
/// (docs/DESIGN.md D11), so two reports delivered by one run are not linked by the network path.</summary>
sealed class Courier(Channel channel, ReportOutbox outbox, DeliveryPolicy policy, DeliveryReceipts receipts)
{
    /// <summary>Shared by every envelope of this run (see <see cref="DeliveryPolicy.Breaker"/>).</summary>
    readonly ResiliencePipeline<HttpResponseMessage> breaker = policy.Breaker();

    public DeliveryResult Deliver(OutboxEntry entry, CancellationToken cancellationToken)
    {
        var path = outbox.EnvelopePath(entry);
        var size = new FileInfo(path).Length;
        // Not offered at all: the server said it takes nothing this large, so every attempt would end the same.
        if (entry.TooLarge || size > policy.MaxEnvelopeBytes)
            return TooLarge(entry, "HTTP 413");
        using var client = channel.CreateClient();
        var pipeline = policy.Build(size, breaker, problem => Console.Error.WriteLine($"report: {UiText.Format("RetryingAfter", problem)}"));
        try
        {
            using var response = pipeline.ExecuteAsync(
                async token => await AttemptAsync(client, entry, path, size, token), cancellationToken).AsTask().GetAwaiter().GetResult();

            if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
            {
                if (ReadAnswer(response) is not { } answer)
                    return Keep(entry, DeliveryOutcome.Queued, UiText.Get("NetNotTheServer"));
                // Without a valid receipt the 201 could come from anyone on the path: the report stays queued.
                if (!receipts.Believe(answer, path))
                    return Keep(entry, DeliveryOutcome.Queued, UiText.Get("ReceiptMissing"));
                outbox.Remove(entry);
                return new DeliveryResult(DeliveryOutcome.Delivered, answer.Id, null);
            }
            var problem = $"HTTP {(int)response.StatusCode}";
            // Busy, or our proof of work came too late: worth sending again later. Anything else is a refusal.
            var busy = (int)response.StatusCode >= 500
                || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout or HttpStatusCode.Forbidden;
            if (busy)
                return Keep(entry, DeliveryOutcome.Queued, problem);
            if (response.StatusCode == HttpStatusCode.RequestEntityTooLarge)
                return TooLarge(entry, problem);
            if (response.StatusCode == HttpStatusCode.Conflict)
            {
                outbox.Save(entry with { Problem = problem, RosterRefused = true });
                return new DeliveryResult(DeliveryOutcome.RosterRefused, null, problem);
            }
            return Keep(entry, DeliveryOutcome.Refused, problem);
        }
        catch (BrokenCircuitException)
        {
            return Keep(entry, DeliveryOutcome.Unreachable, UiText.Get("NetUnreachable"));
        }
        catch (TooMuchWorkException e)
        {
            // Not retried: the next challenge would ask as much. The report waits for a server that asks less.
            return Keep(entry, DeliveryOutcome.Queued, UiText.Format("TooMuchWork", e.Difficulty, ProofOfWork.MaxDifficulty));
        }
        catch (Exception e) when (e is HttpRequestException or IOException or System.Net.Sockets.SocketException or Polly.Timeout.TimeoutRejectedException or ProtocolException)
        {
            return Keep(entry, DeliveryOutcome.Queued, NetworkProblem.Describe(e));
        }
    }

    DeliveryResult TooLarge(OutboxEntry entry, string problem)
    {
        if (!entry.TooLarge)
            outbox.Save(entry with { Problem = problem, TooLarge = true });
        return new DeliveryResult(DeliveryOutcome.TooLarge, null, problem);
    }

    /// <summary>Leaves the entry queued; its description is written again only when the problem's words change.</summary>
    DeliveryResult Keep(OutboxEntry entry, DeliveryOutcome outcome, string problem)
    {
        if (entry.Problem != problem)
            outbox.Save(entry with { Problem = problem });
        return new DeliveryResult(outcome, null, problem);
    }

    static async Task<HttpResponseMessage> AttemptAsync(HttpClient client, OutboxEntry entry, string path, long size, CancellationToken token)
    {
        // A fresh challenge each attempt: a token may have been spent by an attempt whose answer was lost.
        using var challengeRequest = new HttpRequestMessage(HttpMethod.Post, Routes.Relative(Routes.Challenges));
        using (var challengeResponse = await client.SendAsync(challengeRequest, HttpCompletionOption.ResponseHeadersRead, token))
        {
            if (challengeResponse.StatusCode != HttpStatusCode.Created && challengeResponse.StatusCode != HttpStatusCode.OK)
                return Detach(challengeResponse);
            var challenge = await ReadAnswerAsync(challengeResponse, ProtocolJson.Default.IssuedChallenge, "challenge", token);
            if (string.IsNullOrEmpty(challenge.Challenge) || challenge.Challenge.Length > ProofOfWork.MaxChallengeBytes || challenge.Difficulty < 0)
                throw new ProtocolException("unusable challenge");
            // The work grows with the size; more than a phone does in a minute is refused, not started.
            var difficulty = ProofOfWork.DifficultyFor(challenge.Difficulty, size);
            if (difficulty > ProofOfWork.MaxDifficulty)
                throw new TooMuchWorkException(difficulty);
            var nonce = await SolveAsync(challenge.Challenge, difficulty, token);

            await using var file = QuietRead.Open(path);
            using var request = new HttpRequestMessage(HttpMethod.Post, Routes.Relative(Routes.Reports))
            {
                Content = new ProgressContent(file, size, UiText.Get("ProgressUpload")),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            request.Headers.Add(SubmissionHeaders.Pow, $"{challenge.Challenge}:{nonce}");
            request.Headers.Add(SubmissionHeaders.RosterVersion, entry.RosterVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add(SubmissionHeaders.IdempotencyKey, entry.IdempotencyKey);
            // The answer is read within this attempt's deadline and with a bound, never buffered whole.
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
            try
            {
                await response.Content.LoadIntoBufferAsync(MaxAnswerBytes, token);
            }
            catch (HttpRequestException) when (!token.IsCancellationRequested)
            {
                response.Dispose();
                throw new ProtocolException("the answer to the submission is too long to be the server's");
            }
            return response;
        }
    }

    static HttpResponseMessage Detach(HttpResponseMessage response)
    {
        // The pipeline judges the status (5xx/429 retried); the body is not needed.
        var copy = new HttpResponseMessage(response.StatusCode);
        if (response.Headers.RetryAfter is { } retryAfter)
            copy.Headers.RetryAfter = retryAfter;
        return copy;
    }

    static async Task<ulong> SolveAsync(string challenge, int difficulty, CancellationToken token)
    {
        var bytes = Encoding.ASCII.GetBytes(challenge);
        // 2^difficulty hashes on average; the bar may pass 100% on an unlucky draw and simply stays full.
        using var bar = new ProgressBar(UiText.Get("ProgressWork"), 1L << difficulty);
        var nonce = await Task.Run(() => ProofOfWork.Solve(bytes, difficulty, token, new InlineProgress(bar.Report)), token);
        bar.Complete();
        return nonce;
    }

    /// <summary>The server's answers are a few hundred bytes of JSON; anything longer is not the server's.</summary>
    const int MaxAnswerBytes = 16 << 10;

    /// <summary>One of the server's JSON answers, read with a bound. A captive portal or a block page answering in the
    /// server's place, or a hostile one answering without end, is a <see cref="ProtocolException"/>: retried, then the
    /// report stays queued.</summary>
    static async Task<T> ReadAnswerAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string what, CancellationToken token)
        where T : class
    {
        var bytes = await ServerConnection.ReadBoundedAsync(response.Content, MaxAnswerBytes, token)
            ?? throw new ProtocolException($"the answer to the {what} request is too long to be the server's");
        try
        {
            return JsonSerializer.Deserialize(bytes, type) ?? throw new ProtocolException($"empty answer to the {what} request");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            throw new ProtocolException($"the answer to the {what} request is not the server's");
        }
    }

    /// <summary>The 201's id and receipt, read from the answer the attempt buffered (within its deadline and bound).</summary>
    static SubmittedReport? ReadAnswer(HttpResponseMessage response)
    {
        try
        {
            var answer = JsonSerializer.Deserialize(response.Content.ReadAsStream(), ProtocolJson.Default.SubmittedReport);
            return answer?.Id is { Length: > 0 and <= 64 } id && id.All(char.IsAsciiLetterOrDigit) ? answer : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; the bar is thread-safe, so report in place.</summary>
    sealed class InlineProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}

/// <summary>The server answered something this client cannot use: retried like a network fault.</summary>
sealed class ProtocolException(string message) : IOException(message);

/// <summary>The server asked for more work than <see cref="ProofOfWork.MaxDifficulty"/> for this envelope: not retried.</summary>
sealed class TooMuchWorkException(int difficulty) : Exception($"the server asks for {difficulty} bits of proof of work")
{
    public int Difficulty { get; } = difficulty;
}
