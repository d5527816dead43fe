using System.Net;
using System.Text;
using System.Text.Json;

namespace Reporting.Server.Tests.Http;

/// <summary>What every response says about the server. Hostile input and slow clients: HostileHttpTests.</summary>
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

    static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values) : null;
}
