using Microsoft.Extensions.Logging.Console;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Reporting.Server.Uploads;

namespace Reporting.Server.Hardening;

/// <summary>What the server says about itself and how much it lets a client take: response headers,
/// Kestrel limits, error bodies and what may be logged.</summary>
public static class ServerHardening
{
    /// <summary>Tor circuits can crawl at a few kB/s; 256 B/s sustained after a 30 s grace keeps those
    /// while a slow-loris client holding a connection with a trickle is cut off. Uploads keep a pace of their
    /// own, far above this (Uploads.UploadTimer).</summary>
    static readonly MinDataRate MinimumRate = new(bytesPerSecond: 256, gracePeriod: TimeSpan.FromSeconds(30));

    /// <summary>A request's headers arrive within a few round trips of its stream opening, even over a slow Tor
    /// circuit (they fit in one cell or two). Short, because a connection that never finishes its headers holds
    /// a place under the connection limit for this long: keeping all <see cref="ReportingOptions.MaxConnections"/>
    /// (8192) of them filled costs a disruptor 8192 / 10 s ≈ 820 new connections a second.</summary>
    static readonly TimeSpan HeadersTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Long enough for a client to solve a typical challenge and come back on the same connection.</summary>
    static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(20);

    /// <summary>Connections waiting to be accepted. Thousands of idle connections closed together by the header
    /// timeout come back together; with Kestrel's default of 512 the kernel then drops new connections, an honest
    /// source's among them, for a second each. The kernel caps this at net.core.somaxconn (4096 by default).</summary>
    public static void ConfigureSockets(SocketTransportOptions sockets) => sockets.Backlog = 4096;

    public static void ConfigureKestrel(KestrelServerOptions kestrel, ReportingOptions options)
    {
        kestrel.AddServerHeader = false;
        var limits = kestrel.Limits;
        limits.MaxConcurrentConnections = options.MaxConnections;
        limits.MaxConcurrentUpgradedConnections = 0;
        limits.MaxRequestBodySize = BodyLimits.Default;
        limits.MaxRequestHeaderCount = 40;
        limits.MaxRequestHeadersTotalSize = 16 << 10;
        limits.MaxRequestLineSize = 4 << 10;
        limits.RequestHeadersTimeout = HeadersTimeout;
        limits.KeepAliveTimeout = KeepAlive;
        limits.MinRequestBodyDataRate = MinimumRate;
        limits.MinResponseDataRate = MinimumRate;
        limits.Http2.MaxStreamsPerConnection = 16;
    }

    /// <summary>Every response, errors included (set as the response starts, after any handler cleared
    /// headers): nothing may be framed, sniffed, cached, referred or embedded elsewhere.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var response = context.Response;
        response.OnStarting(() =>
        {
            var headers = response.Headers;
            headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-store";
            headers["Cross-Origin-Resource-Policy"] = "same-origin";
            headers.Remove("Server");
            return Task.CompletedTask;
        });
        return next(context);
    });

    /// <summary>Problem details carry the generic titles the routes chose and nothing else: no trace id,
    /// no exception text.</summary>
    public static IServiceCollection AddGenericProblemDetails(this IServiceCollection services) =>
        services.AddProblemDetails(problem => problem.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions.Remove("traceId");
            context.ProblemDetails.Instance = null;
            // The server's own refusal for want of space is already generic and must keep saying that nothing
            // was kept and to come back; any other 5xx is an unexpected error and gets generic words.
            if (context.ProblemDetails.Status >= 500 && !Problems.IsNoSpace(context.ProblemDetails))
            {
                context.ProblemDetails.Title = "The server could not handle this request.";
                context.ProblemDetails.Detail = "Nothing was kept. Try again later.";
            }
        });

    /// <summary>D6: no access log and nothing below warning about requests. Only start-up messages and the
    /// server's own counts are kept at information level; this overrides any Logging configuration, so
    /// an operator cannot turn request logging (addresses, paths with mailbox keys) on by mistake.</summary>
    public static ILoggingBuilder UseQuietLogging(this ILoggingBuilder logging)
    {
        logging.Services.PostConfigure<LoggerFilterOptions>(filter =>
        {
            filter.MinLevel = LogLevel.Warning;
            filter.Rules.Clear();
            filter.Rules.Add(new LoggerFilterRule(null, null, LogLevel.Warning, null));
            filter.Rules.Add(new LoggerFilterRule(null, "Microsoft.Hosting.Lifetime", LogLevel.Information, null));
            filter.Rules.Add(new LoggerFilterRule(null, "Reporting.", LogLevel.Information, null));
            // Warns on every start that keys are stored unencrypted: that is the documented choice
            // (threat-model.md, the key ring protects only proof-of-work tokens).
            filter.Rules.Add(new LoggerFilterRule(null, "Microsoft.AspNetCore.DataProtection", LogLevel.Error, null));
            // The host's own errors are a failed start, which Program.cs states in one line (a stack trace here
            // would bury it), and a crashed background job, which ours never are: each catches what it meets.
            filter.Rules.Add(new LoggerFilterRule(null, "Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None, null));
        });
        // Formats the console provider if there is one (adds none): scopes would add the request path
        // (mailbox keys) and connection ids to every line.
        logging.Services.Configure<ConsoleLoggerOptions>(console => console.FormatterName = ConsoleFormatterNames.Simple);
        logging.Services.Configure<SimpleConsoleFormatterOptions>(console =>
        {
            console.IncludeScopes = false;
            console.SingleLine = true;
        });
        return logging;
    }
}
