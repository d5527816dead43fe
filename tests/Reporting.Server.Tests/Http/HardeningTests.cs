using System.Net;
using System.Text;
using System.Text.Json;
using Reporting.Format.Protocol;

namespace Reporting.Server.Tests.Http;

/// <summary>What every response says about the server. Hostile input and slow clients: HostileHttpTests.</summary>
public sealed class HardeningTests : ServerTest
{
    [Fact]
    public async Task Roster_IsServedByteForByte_AndHealthzAnswers()
    {
        using var roster = await Server.Client.GetAsync(Routes.Roster);
        using var byVersion = await Server.Client.GetAsync(Routes.Rosters + "/1");
        using var unknownVersion = await Server.Client.GetAsync(Routes.Rosters + "/7");
        using var health = await Server.Client.GetAsync(Routes.Health);

        Assert.Equal(File.ReadAllBytes(World.RosterFile), await roster.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/json", roster.Content.Headers.ContentType?.MediaType);
        Assert.Equal(File.ReadAllBytes(World.RosterFile), await byVersion.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, unknownVersion.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Theory]
    [InlineData("GET", Routes.Roster, 200)]
    [InlineData("GET", "/no/such/route", 404)]
    [InlineData("GET", Routes.Reports, 401)]
    [InlineData("PUT", Routes.Roster, 405)]
    [InlineData("POST", Routes.Reports, 400)]
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
        using var response = await Server.Client.GetAsync(Routes.Reports);

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
        Assert.True(paths.TryGetProperty(Routes.Challenges, out _));
        Assert.True(paths.TryGetProperty(Routes.Roster, out _));
        Assert.True(paths.TryGetProperty(Routes.Health, out _));
        Assert.True(paths.GetProperty(Routes.Reports).TryGetProperty("post", out _));
        Assert.False(paths.GetProperty(Routes.Reports).TryGetProperty("get", out _));
        Assert.DoesNotContain(paths.EnumerateObject(), p => p.Name.Contains("mailboxes"));
    }

    [Fact]
    public async Task ForwardedForHeader_IsIgnored_AndNeverRecorded()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Routes.Challenges);
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
