using Reporting.Format.Age;
using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Reporting.Format.Keys;
using Reporting.Format.Protocol;
using Xunit;

namespace Reporting.Testing;

/// <summary>A test's client of a real server on loopback (in this process or a process of its own), for a
/// <see cref="TestWorld"/>: challenges, submissions sealed to its roster, and requests signed with its keys.
/// It connects from 127.0.0.3 so a test can look for that address.</summary>
public class ServerClient(Uri address, TestWorld world) : IDisposable
{
    /// <summary>Where test clients connect from; distinct from the address the server listens on, so
    /// finding it anywhere means a client address was recorded.</summary>
    public static readonly IPAddress ClientAddress = IPAddress.Parse("127.0.0.3");

    public Uri Address { get; } = address;
    public HttpClient Client { get; } = NewClient(address);
    public TestWorld World { get; } = world;

    public static HttpClient NewClient(Uri address) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            socket.Bind(new IPEndPoint(ClientAddress, 0));
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        },
    }) { BaseAddress = address };

    public virtual void Dispose() => Client.Dispose();

    // ---- Sources: challenges and submissions ----

    public async Task<IssuedChallenge> GetChallengeAsync()
    {
        using var response = await Client.PostAsync(Routes.Challenges, null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<IssuedChallenge>())!;
    }

    /// <summary>A fresh challenge, solved for an upload of <paramref name="declaredLength"/> bytes: the value of a
    /// <see cref="SubmissionHeaders.Pow"/> header.</summary>
    public async Task<string> SolvedPowAsync(long declaredLength = 0)
    {
        var challenge = await GetChallengeAsync();
        var nonce = ProofOfWork.Solve(Encoding.ASCII.GetBytes(challenge.Challenge), ProofOfWork.DifficultyFor(challenge.Difficulty, declaredLength));
        return $"{challenge.Challenge}:{nonce}";
    }

    public static string NewIdempotencyKey() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18));

    public async Task<HttpResponseMessage> SubmitAsync(byte[] envelope, string? pow = null, int? rosterVersion = null, string? idempotencyKey = null, bool withPow = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Routes.Reports) { Content = new ByteArrayContent(envelope) };
        request.Content.Headers.ContentType = new("application/octet-stream");
        if (withPow)
            request.Headers.Add(SubmissionHeaders.Pow, pow ?? await SolvedPowAsync(envelope.Length));
        request.Headers.Add(SubmissionHeaders.RosterVersion, (rosterVersion ?? World.RosterVersion).ToString());
        request.Headers.Add(SubmissionHeaders.IdempotencyKey, idempotencyKey ?? NewIdempotencyKey());
        return await Client.SendAsync(request);
    }

    /// <summary>Sealed by the stock age to a classic roster; to a post-quantum one (which Debian's age 1.1.1 cannot
    /// seal to) by the project's own code.</summary>
    public byte[] SealForRoster(byte[] plaintext) => World.Kind == KeyKind.Hybrid
        ? AgeInMemory.Seal(plaintext, [.. World.Reviewers.Select(r => r.Identity.Recipient)], armor: false, parallel: false)
        : StockAge.Seal(plaintext, World.Reviewers.Select(r => r.Recipient));

    public async Task<string> SubmitOkAsync(byte[] envelope)
    {
        using var response = await SubmitAsync(envelope);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<SubmittedReport>())!.Id;
    }

    // ---- Signed requests (reviewers and mailboxes) ----

    public async Task<HttpResponseMessage> SendSignedAsync(SigningKey key, HttpMethod method, string path, byte[]? body = null, DateTimeOffset? at = null, Action<HttpRequestMessage>? tamper = null)
    {
        var request = RequestSignature.CreateRequest(key, method, path, body, at ?? World.Clock.GetUtcNow());
        tamper?.Invoke(request);
        return await Client.SendAsync(request);
    }

    public SigningKey ReviewerKey => World.Reviewers[0].AccessKey;

    public async Task<IReadOnlyList<ListedReport>> ListReportsAsync()
    {
        using var response = await SendSignedAsync(ReviewerKey, HttpMethod.Get, Routes.Reports);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ReportList>())!.Reports;
    }

    public async Task<byte[]> DownloadAsync(string id)
    {
        using var response = await SendSignedAsync(ReviewerKey, HttpMethod.Get, Routes.Report(id));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }
}
