using System.Buffers.Text;
using System.Net.Sockets;
using System.Text;
using Reporting.Format.Keys;
using Reporting.Format.Protocol;

namespace Reporting.Server.Tests.Http;

/// <summary>Random requests a disruptor might send, built from a seed so a failing run can be replayed:
/// junk on every route, valid envelopes truncated and mutated, forged, spent and misplaced proofs of work,
/// signed requests with one thing wrong, and raw bytes that are barely HTTP. Each call sends one (or, for a
/// replay, two) and returns the status codes seen; 0 for a connection the server closed without an answer.</summary>
public sealed class HostileRequests(RunningServer server, byte[] validEnvelope, SigningKey mailbox, int seed) : IDisposable
{
    readonly Random _random = new(seed);
    readonly SigningKey _stranger = SigningKey.Generate(SigningKeyKind.Access);

    static readonly string[] Methods = ["GET", "POST", "DELETE", "PUT", "OPTIONS", "HEAD", "PATCH", "TRACE", "PROPFIND", "get"];
    static readonly string[] SignatureHeaders = [RequestSignature.KeyHeader, RequestSignature.TimestampHeader, RequestSignature.NonceHeader, RequestSignature.SignatureHeader];
    static readonly string[] SourceHeaders = [SubmissionHeaders.Pow, SubmissionHeaders.RosterVersion, SubmissionHeaders.IdempotencyKey];

    string[] Paths() =>
    [
        Routes.Reports, Routes.Challenges, Routes.Roster, Routes.Rosters + "/1", Routes.Rosters + "/-1", Routes.Rosters + "/99999999999",
        Routes.Health, "/openapi/v1.json", Routes.Report(RandomId()), Routes.Reports + "/../../etc/passwd", Routes.Reports + "/%2e%2e%2f",
        MailboxPath(), MailboxPath() + "/" + RandomId(), Routes.Replies("x"), Routes.Reply("%ff%fe", "1"),
        Routes.Replies(mailbox.PublicKey.ToString().ToUpperInvariant()), "/%00", Routes.Reports + "?x=" + Junk(40),
        "/" + new string('a', _random.Next(100, 5000)), "/api/v1//reports", Routes.Reports.ToUpperInvariant(), Routes.Report(Junk(30)),
    ];

    string MailboxPath() => Routes.Replies(mailbox.PublicKey.ToString());

    public async Task<int[]> SendOneAsync()
    {
        return _random.Next(100) switch
        {
            < 20 => [await SendAsync(JunkRequest())],
            < 45 => [await SendAsync(await SubmissionAsync())],
            < 70 => await SignedAsync(),
            < 80 => [await SendAsync(BadProofOfWork())],
            _ => [await RawAsync()],
        };
    }

    /// <summary>Any method, any path, junk headers and body.</summary>
    HttpRequestMessage JunkRequest()
    {
        var paths = Paths();
        var request = new HttpRequestMessage(new HttpMethod(Pick(Methods)), paths[_random.Next(paths.Length)]);
        if (_random.Next(3) > 0)
            request.Content = Body(_random.Next(2) == 0 ? RandomBytes(_random.Next(0, 4000)) : Mutated(validEnvelope));
        foreach (var header in SourceHeaders.Concat(SignatureHeaders))
            if (_random.Next(3) == 0)
                request.Headers.TryAddWithoutValidation(header, Junk(80));
        return request;
    }

    /// <summary>A submission whose envelope, headers or proof of work is wrong in one or more ways.</summary>
    async Task<HttpRequestMessage> SubmissionAsync()
    {
        var envelope = _random.Next(5) switch
        {
            0 => validEnvelope[.._random.Next(validEnvelope.Length)],
            1 => Mutated(validEnvelope),
            2 => [.. validEnvelope, .. RandomBytes(_random.Next(1, 2000))],
            3 => Encoding.ASCII.GetBytes("age-encryption.org/v1\n" + Junk(200) + "\n--- " + Junk(43) + "\n"),
            _ => validEnvelope,
        };
        var request = new HttpRequestMessage(HttpMethod.Post, Routes.Reports) { Content = Body(envelope) };
        request.Content.Headers.ContentType = _random.Next(6) switch
        {
            0 => null,
            1 => new("text/plain"),
            _ => new("application/octet-stream"),
        };
        if (_random.Next(4) > 0)
            request.Headers.TryAddWithoutValidation(SubmissionHeaders.Pow, _random.Next(3) == 0 ? ForgedPow() : await server.SolvedPowAsync());
        request.Headers.TryAddWithoutValidation(SubmissionHeaders.RosterVersion, Pick(["1", "1", "1", "0", "2", "-1", "01", "+1", " 1", "99999999999", Junk(10)]));
        if (_random.Next(6) > 0)
            request.Headers.TryAddWithoutValidation(SubmissionHeaders.IdempotencyKey, _random.Next(4) == 0 ? Junk(70) : RunningServer.NewIdempotencyKey());
        return request;
    }

    /// <summary>A signed request with exactly one thing wrong, or a replay of a good one.</summary>
    async Task<int[]> SignedAsync()
    {
        var reviewer = _random.Next(2) == 0;
        var key = reviewer ? server.ReviewerKey : mailbox;
        var (method, path) = reviewer
            ? Pick([(HttpMethod.Get, Routes.Reports), (HttpMethod.Get, Routes.Report(RandomId())), (HttpMethod.Delete, Routes.Report(RandomId())), (HttpMethod.Post, MailboxPath())])
            : Pick([(HttpMethod.Get, MailboxPath()), (HttpMethod.Get, MailboxPath() + "/" + RandomId()), (HttpMethod.Delete, MailboxPath() + "/" + RandomId())]);
        var body = method == HttpMethod.Post ? (_random.Next(2) == 0 ? validEnvelope : Mutated(validEnvelope)) : null;
        var at = server.World.Clock.GetUtcNow();
        var flaw = _random.Next(9);
        if (flaw == 0)
            at = at.AddMinutes(_random.Next(2) == 0 ? -6 : 6);
        var request = RequestSignature.CreateRequest(flaw == 1 ? _stranger : key, method, path, body, at);
        switch (flaw)
        {
            case 2:
                Replace(request, Pick(SignatureHeaders), Junk(_random.Next(1, 100)));
                break;
            case 3:
                Replace(request, RequestSignature.SignatureHeader, Convert.ToBase64String(FlipOneBit(Convert.FromBase64String(Single(request, RequestSignature.SignatureHeader)))));
                break;
            case 4:
                request.RequestUri = new Uri(path + "?tampered", UriKind.Relative);
                break;
            case 5 when body is not null:
                request.Content = Body(FlipOneBit(body));
                break;
            case 6:
                request.Headers.TryAddWithoutValidation(Pick(SignatureHeaders), Junk(20)); // the same header twice
                break;
            case 7:
                // Sent twice: the second is a replay.
                var copy = Copy(request, body);
                return [await SendAsync(request), await SendAsync(copy)];
        }
        return [await SendAsync(request)];
    }

    /// <summary>A token that is forged, truncated, solved for another token, or spent.</summary>
    HttpRequestMessage BadProofOfWork()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Routes.Reports) { Content = Body(validEnvelope) };
        request.Content.Headers.ContentType = new("application/octet-stream");
        request.Headers.TryAddWithoutValidation(SubmissionHeaders.Pow, ForgedPow());
        request.Headers.TryAddWithoutValidation(SubmissionHeaders.RosterVersion, "1");
        request.Headers.TryAddWithoutValidation(SubmissionHeaders.IdempotencyKey, RunningServer.NewIdempotencyKey());
        return request;
    }

    string ForgedPow() => _random.Next(4) switch
    {
        0 => Base64Url.EncodeToString(RandomBytes(_random.Next(1, 200))) + ":" + _random.NextInt64(),
        1 => Junk(100),
        2 => Base64Url.EncodeToString(RandomBytes(90)) + ":" + Pick(["", "-1", "18446744073709551616", "0x10", "1:2"]),
        _ => ":" + _random.Next(),
    };

    /// <summary>Raw bytes on a socket: broken request lines, lying lengths, bad chunking, absurd headers.</summary>
    async Task<int> RawAsync()
    {
        var junk = RandomBytes(_random.Next(1, 3000));
        string head = _random.Next(8) switch
        {
            0 => "",
            1 => $"POST {Routes.Reports} HTTP/1.1\r\nHost: x\r\nContent-Length: {_random.Next(-5, 99999)}\r\n{RawJunk(20)}: {RawJunk(40)}\r\n\r\n",
            2 => $"{RawJunk(10)} {RawJunk(30)} HTTP/1.1\r\n\r\n",
            3 => $"POST {Routes.Reports} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + $"{RawJunk(6)}\r\n",
            4 => $"POST {Routes.Reports} HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n",
            5 => $"GET {Routes.Roster} HTTP/1.0\r\n" + string.Concat(Enumerable.Range(0, _random.Next(30, 60)).Select(i => $"X-{i}: {new string('a', 400)}\r\n")) + "\r\n",
            6 => $"GET {MailboxPath()} HTTP/1.1\r\nHost: x\r\n{RequestSignature.KeyHeader}: {mailbox.PublicKey}\r\n{RequestSignature.TimestampHeader}: {RawJunk(12)}\r\n{RequestSignature.NonceHeader}: {RawJunk(30)}\r\n{RequestSignature.SignatureHeader}: {RawJunk(88)}\r\n\r\n",
            _ => $"POST {Routes.Replies(RawJunk(60))} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n",
        };
        byte[] bytes = head.Length == 0 ? junk : [.. Encoding.UTF8.GetBytes(head), .. junk[.._random.Next(junk.Length)]];
        var answer = await RawExchangeAsync(server.Address, bytes);
        return answer.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || answer.StartsWith("HTTP/1.0 ", StringComparison.Ordinal)
            ? int.Parse(answer.AsSpan(9, 3))
            : 0;
    }

    async Task<int> SendAsync(HttpRequestMessage request)
    {
        using (request)
        using (var response = await server.Client.SendAsync(request))
            return (int)response.StatusCode;
    }

    /// <summary>Sends raw bytes, half-closes, and returns whatever the server answered before closing.</summary>
    public static async Task<string> RawExchangeAsync(Uri address, byte[] raw)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(address.Host, address.Port);
        try
        {
            await socket.SendAsync(raw);
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            return ""; // the server hung up first: also a refusal
        }
        return await RawHttp.ReadAllAsync(socket);
    }

    /// <summary>Junk that HttpClient will put in a header (printable ASCII).</summary>
    string Junk(int maxLength) => RandomText("abcXYZ019:;/\\%-_=+ \"'<>{}[],.", maxLength);

    /// <summary>Junk for raw sockets, which send what HttpClient refuses: control bytes and non-ASCII.</summary>
    string RawJunk(int maxLength) => RandomText("abcXYZ019:;/\\%-_=+ \t\"'<>{}[]…한中\u0001\u007f", maxLength);

    string RandomText(string alphabet, int maxLength) =>
        new([.. Enumerable.Range(0, _random.Next(0, maxLength + 1)).Select(_ => alphabet[_random.Next(alphabet.Length)])]);

    /// <summary>A few bytes flipped, dropped or inserted, anywhere in the header or payload.</summary>
    byte[] Mutated(byte[] original)
    {
        var bytes = new List<byte>(original);
        for (var i = _random.Next(1, 8); i > 0 && bytes.Count > 0; i--)
        {
            var at = _random.Next(bytes.Count);
            switch (_random.Next(3))
            {
                case 0: bytes[at] ^= (byte)(1 << _random.Next(8)); break;
                case 1: bytes.RemoveAt(at); break;
                default: bytes.Insert(at, (byte)_random.Next(256)); break;
            }
        }
        return [.. bytes];
    }

    byte[] FlipOneBit(byte[] original)
    {
        var copy = (byte[])original.Clone();
        if (copy.Length > 0)
            copy[_random.Next(copy.Length)] ^= (byte)(1 << _random.Next(8));
        return copy;
    }

    byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Mostly well-formed ids of nothing stored, sometimes junk.</summary>
    string RandomId() => _random.Next(3) == 0 ? Junk(30) : Reporting.Server.Storage.RandomId.New();

    T Pick<T>(T[] items) => items[_random.Next(items.Length)];

    public void Dispose() => _stranger.Dispose();

    static ByteArrayContent Body(byte[] bytes) => new(bytes);

    static void Replace(HttpRequestMessage request, string header, string value)
    {
        request.Headers.Remove(header);
        request.Headers.TryAddWithoutValidation(header, value);
    }

    static string Single(HttpRequestMessage request, string header) => request.Headers.GetValues(header).Single();

    static HttpRequestMessage Copy(HttpRequestMessage request, byte[]? body)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri);
        foreach (var header in request.Headers)
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        if (body is not null)
        {
            copy.Content = Body(body);
            copy.Content.Headers.ContentType = request.Content?.Headers.ContentType;
        }
        return copy;
    }
}
