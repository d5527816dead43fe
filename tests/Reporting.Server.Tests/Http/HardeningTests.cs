using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Reporting.Server.Tests.Http;

public sealed class HardeningTests : ServerTest
{

    [Fact]
    public async Task Roster_IsServedByteForByte_AndHealthzAnswers()
    {
        using var roster = await Server.Client.GetAsync("/api/v1/roster");
        using var byVersion = await Server.Client.GetAsync("/api/v1/rosters/1");
        using var unknownVersion = await Server.Client.GetAsync("/api/v1/rosters/7");
        using var health = await Server.Client.GetAsync("/healthz");

        Assert.Equal(File.ReadAllBytes(World.RosterFile), await roster.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/json", roster.Content.Headers.ContentType?.MediaType);
        Assert.Equal(File.ReadAllBytes(World.RosterFile), await byVersion.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, unknownVersion.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/api/v1/roster", 200)]
    [InlineData("GET", "/no/such/route", 404)]
    [InlineData("GET", "/api/v1/reports", 401)]
    [InlineData("PUT", "/api/v1/roster", 405)]
    [InlineData("POST", "/api/v1/reports", 400)]
    public async Task EveryResponse_CarriesTheSecurityHeaders_AndNoServerHeader(string method, string path, int status)
    {
        using var response = await Server.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.False(response.Headers.Contains("Server"));
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("no-store", Header(response, "Cache-Control"));
        Assert.Equal("same-origin", Header(response, "Cross-Origin-Resource-Policy"));
    }

    [Fact]
    public async Task Errors_AreProblemDetails_WithGenericTextAndNoTraceId()
    {
        using var response = await Server.Client.GetAsync("/api/v1/reports");

        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(401, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(problem.RootElement.TryGetProperty("traceId", out _));
        Assert.False(problem.RootElement.TryGetProperty("instance", out _));
    }

    [Fact]
    public async Task OpenApiDocument_DescribesThePublicRoutesOnly()
    {
        using var response = await Server.Client.GetAsync("/openapi/v1.json");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(paths.TryGetProperty("/api/v1/challenges", out _));
        Assert.True(paths.TryGetProperty("/api/v1/roster", out _));
        Assert.True(paths.TryGetProperty("/healthz", out _));
        Assert.True(paths.GetProperty("/api/v1/reports").TryGetProperty("post", out _));
        Assert.False(paths.GetProperty("/api/v1/reports").TryGetProperty("get", out _));
        Assert.DoesNotContain(paths.EnumerateObject(), p => p.Name.Contains("mailboxes"));
    }

    [Fact]
    public async Task ForwardedForHeader_IsIgnored_AndNeverRecorded()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/challenges");
        request.Headers.Add("X-Forwarded-For", "203.0.113.77");
        request.Headers.Add("Forwarded", "for=203.0.113.77");

        using var response = await Server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.DoesNotContain("203.0.113.77", Server.Logs.All);
        Assert.False(World.Folder.AnyFileContains(Encoding.ASCII.GetBytes("203.0.113.77")));
    }

    [Fact]
    public async Task RandomGarbage_NeverYieldsA5xx_AndNormalRequestsStillWork()
    {
        var random = new Random(20261127);
        string[] paths = ["/api/v1/reports", "/api/v1/challenges", "/api/v1/roster", "/api/v1/mailboxes/x/replies", "/api/v1/reports/abc", "/healthz", "/%00", "/api/v1/mailboxes/%ff%fe/replies/1"];
        string[] methods = ["GET", "POST", "DELETE", "PUT", "OPTIONS", "HEAD", "PATCH"];
        var statuses = new List<int>();

        for (var i = 0; i < 60; i++)
        {
            var request = new HttpRequestMessage(new HttpMethod(methods[random.Next(methods.Length)]), paths[random.Next(paths.Length)]);
            var body = new byte[random.Next(0, 3000)];
            random.NextBytes(body);
            if (random.Next(3) > 0)
                request.Content = new ByteArrayContent(body);
            foreach (var header in new[] { "Reporting-Pow", "Reporting-Roster-Version", "Idempotency-Key", "Reporting-Key", "Reporting-Timestamp", "Reporting-Nonce", "Reporting-Signature" })
                if (random.Next(2) == 0)
                    request.Headers.TryAddWithoutValidation(header, Junk(random, asciiOnly: true));
            using var response = await Server.Client.SendAsync(request);
            statuses.Add((int)response.StatusCode);
        }
        for (var i = 0; i < 30; i++)
        {
            // Not even HTTP: raw bytes, broken request lines, absurd headers.
            var junk = new byte[random.Next(1, 5000)];
            random.NextBytes(junk);
            var raw = (i % 3) switch
            {
                0 => junk,
                1 => Encoding.ASCII.GetBytes($"POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Length: {random.Next(-5, 99999)}\r\n{Junk(random)}: {Junk(random)}\r\n\r\n").Concat(junk).ToArray(),
                _ => Encoding.ASCII.GetBytes($"{Junk(random)} {Junk(random)} HTTP/1.1\r\n\r\n"),
            };
            var answer = await RawExchangeAsync(raw);
            if (answer.StartsWith("HTTP/1.1 ", StringComparison.Ordinal))
                statuses.Add(int.Parse(answer.AsSpan(9, 3)));
        }

        Assert.DoesNotContain(statuses, s => s >= 500);
        Assert.NotNull(await Server.SubmitOkAsync(Server.SealForRoster("still fine"u8.ToArray())));
        Assert.DoesNotContain(Server.Logs.Lines, l => l.StartsWith("Error") || l.StartsWith("Critical"));
    }

    [Fact]
    public async Task SlowClients_DoNotStopNormalRequests()
    {
        // A slow-loris crowd: connections that send half a request and then trickle, holding sockets.
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < 100; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(Server.Address.Host, Server.Address.Port);
                await socket.SendAsync(Encoding.ASCII.GetBytes(i % 2 == 0
                    ? "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nX-Slow: "
                    : $"POST /api/v1/mailboxes/x/replies HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nab"));
                sockets.Add(socket);
            }

            var started = DateTime.UtcNow;
            var id = await Server.SubmitOkAsync(Server.SealForRoster("through the crowd"u8.ToArray()));
            using var roster = await Server.Client.GetAsync("/api/v1/roster");

            Assert.NotNull(id);
            Assert.Equal(HttpStatusCode.OK, roster.StatusCode);
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
        }
        finally
        {
            foreach (var socket in sockets)
                socket.Dispose();
        }
    }

    static string Junk(Random random, bool asciiOnly = false)
    {
        // HttpClient refuses to send non-ASCII or control characters in headers; raw sockets send them.
        var alphabet = asciiOnly ? "abcXYZ019:;/\\%-_=+ \"'<>{}[]" : "abcXYZ019:;/\\%-_=+ \t\"'<>{}[]…한中\u0001";
        return new string([.. Enumerable.Range(0, random.Next(0, 80)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
    }

    async Task<string> RawExchangeAsync(byte[] raw)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(Server.Address.Host, Server.Address.Port);
        try
        {
            await socket.SendAsync(raw);
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            return ""; // the server hung up first: also a refusal
        }
        return await SubmissionTests.ReadAllAsync(socket);
    }

    static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values) : null;
}
