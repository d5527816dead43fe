using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Reporting.Client.Tests.Infrastructure;
using Reporting.Format.Age;
using Reporting.Format.Keys;
using Reporting.Format.Protocol;
using Xunit;

namespace Reporting.Client.Tests;

/// <summary>The reviewer's online workstation talks to a server that may have been seized: what it
/// answers is hostile input.</summary>
public sealed class HostileServerTests : IAsyncLifetime
{
    const string Passphrase = "passphrase for hostile server tests";
    readonly TempFolder dir = new();
    WebApplication app = null!;
    string url = "";
    string listing = """{"reports":[{"id":"aaaaaaaaaaaaaaaaaaaaaaaaaa","day":"2026-11-27","size":100,"rosterVersion":1}]}""";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        app = builder.Build();
        // Lists a 100-byte report, then streams far more than that.
        app.MapGet(Routes.Reports, () => Results.Text(listing, "application/json"));
        app.MapGet(Routes.Report("{id}"), async (HttpContext context) =>
        {
            var block = new byte[64 * 1024];
            for (var i = 0; i < 64; i++)
                await context.Response.Body.WriteAsync(block);
        });
        await app.StartAsync();
        url = app.Urls.First();
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        dir.Dispose();
    }

    [Fact]
    public void Fetch_OfAReportLongerThanListed_StopsAtTheListedSize_AndKeepsNothing()
    {
        var access = AccessKeyFile();

        var result = Tool.Review("fetch", "--server", url, "--access-key", access, "--passphrase-file", dir.Write("pass", Passphrase), "--out", dir["inbox"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("longer than the server listed", result.Stderr);
        Assert.Empty(Directory.GetFiles(dir["inbox"]));
    }

    [Fact]
    public void Fetch_OfAReportWhoseIdIsAPath_IsRefused_AndWritesNothingOutside()
    {
        var access = AccessKeyFile();
        listing = """{"reports":[{"id":"../../escaped","day":"2026-11-27","size":100,"rosterVersion":1}]}""";

        var result = Tool.Review("fetch", "--server", url, "--access-key", access, "--passphrase-file", dir.Write("pass", Passphrase), "--out", dir["inbox/deep"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not a plain name", result.Stderr);
        Assert.False(File.Exists(dir["escaped.age"]));
        Assert.False(File.Exists(dir["inbox/escaped.age"]));
    }

    string AccessKeyFile()
    {
        using var key = SigningKey.Generate(SigningKeyKind.Access);
        var path = dir["reviewer.access"];
        if (!File.Exists(path))
            KeyFile.WriteSigningKey(path, key, Encoding.UTF8.GetBytes(Passphrase));
        return path;
    }
}
