using System.CommandLine;
using System.Globalization;
using Reporting.Cli;
using Reporting.Report.Delivery;
using Reporting.Report.Home;
using Reporting.Report.Text;

namespace Reporting.Report.Commands;

/// <summary>Exit statuses scripts can tell apart: queued is not a failure, but it is not delivered either.</summary>
static class ExitCode
{
    public const int Delivered = 0;
    public const int Failed = 1;
    /// <summary>EX_TEMPFAIL (sysexits.h): sealed and kept in the outbox; <c>report send</c> will retry.</summary>
    public const int Queued = 75;
}

/// <summary>Options every subcommand takes, and what they resolve to.</summary>
static class CommonOptions
{
    public static readonly Option<string> Home = new("--home")
    {
        Description = UiText.Get("Help_home"),
        Recursive = true,
    };

    public static readonly Option<string> Language = new("--language")
    {
        Description = UiText.Get("Help_language"),
        Recursive = true,
    };

    public static Option<string> Proxy(string description) => new("--proxy") { Description = description };

    public static readonly Option<string> ReceiptFile = new("--receipt")
    {
        Description = UiText.Get("Help_receipt"),
    };

    public static readonly Option<int?> Timeout = new("--timeout")
    {
        Description = UiText.Get("Help_timeout"),
    };

    public static readonly Option<int?> Attempts = new("--attempts")
    {
        Description = UiText.Get("Help_attempts"),
    };

    /// <summary>Resolves --home, loads the configuration when there is one and applies the language.</summary>
    public static (ReportHome Home, ReportConfig? Config) Start(ParseResult result)
    {
        var home = ReportHome.Locate(result.GetValue(Home));
        var option = result.GetValue(Language);
        if (option is not null && UiText.Normalise(option) is null)
            throw new ToolException($"unknown language {option}", "use --language en, ko or zh");
        UiText.Use(UiText.Choose(option, null));
        var config = home.TryLoadConfig();
        UiText.Use(UiText.Choose(option, config?.Language));
        return (home, config);
    }

    public static DeliveryPolicy Policy(ParseResult result)
    {
        var policy = DeliveryPolicy.Default;
        if (result.GetValue(Timeout) is { } seconds)
        {
            if (seconds is < 1 or > 3600)
                throw new ToolException(UiText.Format("BadNumber", "--timeout", 1, 3600));
            policy = policy with { AttemptTimeout = TimeSpan.FromSeconds(seconds) };
        }
        if (result.GetValue(Attempts) is { } attempts)
        {
            if (attempts is < 1 or > 100)
                throw new ToolException(UiText.Format("BadNumber", "--attempts", 1, 100));
            policy = policy with { MaxAttempts = attempts };
        }
        return policy;
    }

    /// <summary>Runs a command body, turning failures into plain errors: a frightened user at a borrowed
    /// computer must never face a stack trace.</summary>
    public static int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ToolException(e.Message);
        }
        catch (Exception e) when (e is not (ToolException or OperationCanceledException))
        {
            throw new ToolException(UiText.Format("Unexpected", e.GetType().Name, e.Message), UiText.Get("HintUnexpected"));
        }
    }

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => string.Format(CultureInfo.InvariantCulture, "{0} B", bytes),
        < 1 << 20 => string.Format(CultureInfo.InvariantCulture, "{0:0.0} KiB", bytes / 1024.0),
        _ => string.Format(CultureInfo.InvariantCulture, "{0:0.0} MiB", bytes / 1048576.0),
    };
}
