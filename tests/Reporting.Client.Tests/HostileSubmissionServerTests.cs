using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Reporting.Client.Tests.Infrastructure;
using Reporting.Format.Keys;
using Reporting.Format.Protocol;
using Xunit;

namespace Reporting.Client.Tests;

/// <summary>A source's <c>report submit</c> against a server that is overloaded, seized or hostile: every wait has a
/// deadline, every answer is read with a bound, and work no phone does in a minute is refused. The report stays in
/// the outbox (exit 75) each time.</summary>
public sealed class HostileSubmissionServerTests : IAsyncLifetime
{
    readonly SigningKey organisation = SigningKey.Generate(SigningKeyKind.Organisation);
    readonly TestReviewer reviewer = new("reviewer1", Format.Age.X25519Identity.Generate(), SigningKey.Generate(SigningKeyKind.Access));
    WebApplication app = null!;
    string url = "";
    int uploads;

    /// <summary>What the server does with a challenge request and with an upload; each test sets its own.</summary>
    Func<HttpContext, Task> challenge = context => context.Response.WriteAsJsonAsync(new IssuedChallenge("challenge-token", 0, 300), ProtocolJson.Default.IssuedChallenge);
    Func<HttpContext, Task> upload = _ => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        var roster = TestRoster.Sign(organisation, [reviewer], version: 1);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.MapGet(Routes.Roster, () => Results.Bytes(roster.FileBytes, "application/json"));
        app.MapPost(Routes.Challenges, (HttpContext context) => challenge(context));
        app.MapPost(Routes.Reports, (HttpContext context) =>
        {
            Interlocked.Increment(ref uploads);
            return upload(context);
        });
        await app.StartAsync();
        url = app.Urls.First();
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        source?.Dispose();
        reviewer.Dispose();
        organisation.Dispose();
    }

    [Fact]
    public void UploadThatIsNeverAnswered_TimesOut_IsRetried_ThenStaysInTheOutbox()
    {
        // A server whose upload queue never moves: it takes the request and says nothing.
        upload = context => Task.Delay(Timeout.Infinite, context.RequestAborted);

        var (result, took) = Submit("--timeout", "3", "--attempts", "2");

        Assert.True(result.ExitCode == 75, result.ToString());
        Assert.Contains("timed out", result.Stderr);
        Assert.Equal(2, uploads);
        // Two attempts of three seconds, a backoff between them, and the tool's start: nowhere near a minute.
        Assert.True(took < TimeSpan.FromSeconds(30), $"took {took}");
    }

    [Fact]
    public void ChallengeAskingForHoursOfWork_IsRefusedWithAClearError_WithoutStarting()
    {
        challenge = context => context.Response.WriteAsJsonAsync(new IssuedChallenge("challenge-token", 32, 300), ProtocolJson.Default.IssuedChallenge);

        var (result, took) = Submit("--attempts", "3");

        Assert.True(result.ExitCode == 75, result.ToString());
        Assert.Contains($"32 bits of proof of work, more than this device does in a minute (at most {ProofOfWork.MaxDifficulty})", result.Stderr);
        Assert.Equal(0, uploads);
        Assert.True(took < TimeSpan.FromSeconds(30), $"took {took}");
    }

    [Fact]
    public void AnswersWithoutEnd_AreReadOnlyUpToABound()
    {
        // A challenge answer, then a 201, that go on for 256 MiB each: neither is read whole.
        challenge = context => Endless(context, "{\"challenge\":\"");
        upload = async context =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            context.Response.StatusCode = StatusCodes.Status201Created;
            await Endless(context, "{\"id\":\"");
        };

        var (result, took) = Submit("--attempts", "2", "--timeout", "20");

        Assert.True(result.ExitCode == 75, result.ToString());
        Assert.Contains("too long to be the server's", result.Stderr);
        Assert.True(took < TimeSpan.FromSeconds(40), $"took {took}");

        // Again with an honest challenge, so that the endless 201 is what is read.
        challenge = context => context.Response.WriteAsJsonAsync(new IssuedChallenge("challenge-token", 0, 300), ProtocolJson.Default.IssuedChallenge);
        var again = Source.Report("send", "--attempts", "1", "--timeout", "20");
        Assert.True(again.ExitCode == 75, again.ToString());
        Assert.Contains("too long to be the server's", again.Stderr);
        Assert.Equal(1, uploads);
    }

    static async Task Endless(HttpContext context, string start)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(start, context.RequestAborted);
        var block = new byte[64 << 10];
        Array.Fill(block, (byte)'a');
        for (var i = 0; i < 4096 && !context.RequestAborted.IsCancellationRequested; i++)
            await context.Response.Body.WriteAsync(block, context.RequestAborted);
    }

    SourceMachine? source;

    SourceMachine Source => source ??= Initialised();

    SourceMachine Initialised()
    {
        var machine = new SourceMachine();
        var init = machine.Report("init", "--server", url, "--org-key", organisation.PublicKey.ToString(), "--language", "en");
        Assert.True(init.ExitCode == 0, init.ToString());
        return machine;
    }

    (ToolResult Result, TimeSpan Took) Submit(params string[] delivery)
    {
        var (text, _) = Source.TextFile();
        var watch = Stopwatch.StartNew();
        var result = Source.Report(["submit", "--category", "other", "--text-file", text, "--no-reply", "--yes", .. delivery]);
        return (result, watch.Elapsed);
    }
}
