using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using Reporting.Format.Protocol;

namespace Reporting.Benchmarks;

/// <summary>The load generator: a number of clients, each sending one request after another as fast as
/// the answers come back, and the submissions they send (difficulty 0, so nonce 0 solves any challenge for an
/// envelope of up to 64 KiB; a larger one needs a few bits more, ProofOfWork.DifficultyFor).</summary>
public static class Load
{
    /// <summary>A client for <paramref name="clients"/> connections at once; with <paramref name="from"/>, they
    /// leave from that loopback address (not the one the server listens on), so finding it in the server's
    /// data or logs means a client address was kept.</summary>
    public static HttpClient NewClient(int clients, IPAddress? from = null, Uri? baseAddress = null)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, UseProxy = false };
        if (from is not null)
            handler.ConnectCallback = async (context, cancel) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                socket.Bind(new IPEndPoint(from, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancel);
                return new NetworkStream(socket, ownsSocket: true);
            };
        return new HttpClient(handler) { BaseAddress = baseAddress };
    }

    /// <summary><paramref name="clients"/> loops at once; each takes the next index and runs
    /// <paramref name="step"/> for it until <paramref name="more"/> says no.</summary>
    public static Task RunAsync(int clients, Func<int, bool> more, Func<int, Task> step)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int i;
            while (more(i = Interlocked.Increment(ref next)))
                await step(i);
        }));
    }

    /// <summary>Sends <paramref name="request"/> and times it to the end of its headers; throws unless it
    /// was acknowledged (201). Returns the milliseconds and the id the answer gave.</summary>
    public static async Task<(double Ms, string Id)> SubmitAsync(HttpClient http, HttpRequestMessage request)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request);
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"{request.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (ms, (await response.Content.ReadFromJsonAsync<SubmittedReport>())!.Id);
    }

    public static async Task<string> ChallengeAsync(HttpClient http, Uri server, CancellationToken cancel = default)
    {
        using var response = await http.PostAsync(new Uri(server, Routes.Challenges), null, cancel);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<IssuedChallenge>(cancel))!.Challenge;
    }

    /// <summary>A submission of <paramref name="envelope"/> to roster version 1 with a solved challenge (its
    /// <paramref name="nonce"/>, else solved here at difficulty 0) and a fresh idempotency key.</summary>
    public static HttpRequestMessage Submission(Uri server, string challenge, byte[] envelope, string? idempotencyKey = null, ulong? nonce = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, Routes.Reports)) { Content = Octets(envelope) };
        nonce ??= ProofOfWork.Solve(System.Text.Encoding.ASCII.GetBytes(challenge), ProofOfWork.DifficultyFor(0, envelope.Length));
        request.Headers.Add(SubmissionHeaders.Pow, $"{challenge}:{nonce}");
        request.Headers.Add(SubmissionHeaders.RosterVersion, "1");
        request.Headers.Add(SubmissionHeaders.IdempotencyKey, idempotencyKey ?? NewIdempotencyKey());
        return request;
    }

    public static string NewIdempotencyKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static ByteArrayContent Octets(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/octet-stream");
        return content;
    }
}
