using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Polly;
using Polly.CircuitBreaker;
using Reporting.Format.IO;
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
        using var client = channel.CreateClient();
        var path = outbox.EnvelopePath(entry);
        var size = new FileInfo(path).Length;
        var pipeline = policy.Build(size, breaker, problem => Console.Error.WriteLine($"report: {UiText.Format("RetryingAfter", problem)}"));
        try
        {
            using var response = pipeline.ExecuteAsync(
                async token => await AttemptAsync(client, entry, path, size, token), cancellationToken).AsTask().GetAwaiter().GetResult();

            if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
            {
                if (ReadAnswer(response) is not { } answer)
                    return Keep(entry, DeliveryOutcome.Queued, "unreadable answer");
                // Without a valid receipt the 201 could come from anyone on the path: the report stays queued.
                if (!receipts.Believe(answer, path))
                    return Keep(entry, DeliveryOutcome.Queued, "the answer carried no valid receipt");
                outbox.Remove(entry);
                return new DeliveryResult(DeliveryOutcome.Delivered, answer.Id, null);
            }
            var problem = $"HTTP {(int)response.StatusCode}";
            // Busy, or our proof of work came too late: worth sending again later. Anything else is a refusal.
            var busy = (int)response.StatusCode >= 500
                || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout or HttpStatusCode.Forbidden;
            if (busy)
                return Keep(entry, DeliveryOutcome.Queued, problem);
            if (response.StatusCode == HttpStatusCode.Conflict)
            {
                outbox.Save(entry with { Problem = problem, RosterRefused = true });
                return new DeliveryResult(DeliveryOutcome.RosterRefused, null, problem);
            }
            return Keep(entry, DeliveryOutcome.Refused, problem);
        }
        catch (BrokenCircuitException)
        {
            return Keep(entry, DeliveryOutcome.Unreachable, "server unreachable");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or System.Net.Sockets.SocketException or Polly.Timeout.TimeoutRejectedException or ProtocolException)
        {
            var problem = e is Polly.Timeout.TimeoutRejectedException ? "timed out"
                : e is HttpRequestException { InnerException: { } inner } ? inner.Message : e.Message;
            return Keep(entry, DeliveryOutcome.Queued, problem);
        }
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
        using (var challengeResponse = await client.PostAsync(Routes.Relative(Routes.Challenges), content: null, token))
        {
            if (challengeResponse.StatusCode != HttpStatusCode.Created && challengeResponse.StatusCode != HttpStatusCode.OK)
                return Detach(challengeResponse);
            IssuedChallenge? challenge;
            try
            {
                challenge = await challengeResponse.Content.ReadFromJsonAsync(ProtocolJson.Default.IssuedChallenge, token);
            }
            catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
            {
                // A captive portal or a block page answering in the server's place: retry, then keep it queued.
                throw new ProtocolException("the answer to the challenge request is not the server's");
            }
            if (challenge is null)
                throw new ProtocolException("empty challenge");
            if (string.IsNullOrEmpty(challenge.Challenge) || challenge.Difficulty is < 0 or > ProofOfWork.MaxDifficulty)
                throw new ProtocolException("unusable challenge");
            var nonce = await SolveAsync(challenge, token);

            await using var file = QuietRead.Open(path);
            using var request = new HttpRequestMessage(HttpMethod.Post, Routes.Relative(Routes.Reports))
            {
                Content = new ProgressContent(file, size, UiText.Get("ProgressUpload")),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            request.Headers.Add(SubmissionHeaders.Pow, $"{challenge.Challenge}:{nonce}");
            request.Headers.Add(SubmissionHeaders.RosterVersion, entry.RosterVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add(SubmissionHeaders.IdempotencyKey, entry.IdempotencyKey);
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, token);
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

    static async Task<ulong> SolveAsync(IssuedChallenge challenge, CancellationToken token)
    {
        var bytes = Encoding.ASCII.GetBytes(challenge.Challenge);
        // 2^difficulty hashes on average; the bar may pass 100% on an unlucky draw and simply stays full.
        using var bar = new ProgressBar(UiText.Get("ProgressWork"), 1L << challenge.Difficulty);
        var nonce = await Task.Run(() => ProofOfWork.Solve(bytes, challenge.Difficulty, token, new InlineProgress(bar.Report)), token);
        bar.Complete();
        return nonce;
    }

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
