using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Reporting.Format.Protocol;
using Reporting.Server.Challenges;
using Reporting.Server.Hardening;
using Reporting.Server.Health;
using Reporting.Server.Mailboxes;
using Reporting.Server.Reports;
using Reporting.Server.Rosters;
using Reporting.Server.SignedRequests;
using Reporting.Server.Storage;
using Reporting.Server.Storage.Postgres;
using Reporting.Server.Storage.Sqlite;
using Reporting.Server.Uploads;

namespace Reporting.Server;

/// <summary>Composes the server. Program.cs runs it; tests and the benchmark build the same app with a few
/// settings of their own (a data folder, a clock, a port).</summary>
public static class ServerApp
{
    /// <summary>Loopback unless the operator says otherwise (--urls): exposure is a deliberate act,
    /// usually through a Tor onion service pointing at this address.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = CreateBuilder(args);
        configure?.Invoke(builder);

        // No forwarded-header processing, whatever the environment says: client addresses are never
        // wanted, and a header could otherwise make one up.
        builder.Configuration.AddInMemoryCollection([new("ForwardedHeaders_Enabled", "false")]);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
            builder.WebHost.UseUrls(DefaultUrl);
        builder.Logging.UseQuietLogging();

        // Options, checked before anything listens.
        builder.Services.AddOptions<ReportingOptions>().BindConfiguration(ReportingOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ReportingOptions>, ReportingOptionsValidator>();
        var options = builder.Configuration.GetSection(ReportingOptions.Section).Get<ReportingOptions>() ?? new ReportingOptions();
        builder.WebHost.ConfigureKestrel(kestrel => ServerHardening.ConfigureKestrel(kestrel, options));
        builder.WebHost.UseSockets(ServerHardening.ConfigureSockets);

        // Storage and the features' state.
        builder.Services.TryAddSingleton(TimeProvider.System);
        AddStorage(builder, options);
        builder.Services.AddSingleton<RosterBook>();
        builder.Services.AddSingleton<ReceiptKey>();
        builder.Services.AddHostedService<RosterWatcher>();
        builder.Services.AddSingleton<RosterFreshness>();
        builder.Services.AddSingleton<RosterExpiry>();
        builder.Services.AddSingleton<PowTokens>();
        builder.Services.AddSingleton<SignerBuckets>();
        builder.Services.AddSingleton<SignedRequestCheck>();
        builder.Services.AddSingleton<Retention>();
        builder.Services.AddSingleton<UploadSpace>();
        builder.Services.AddSingleton<Intake>();
        builder.Services.AddHostedService(services => services.GetRequiredService<Retention>());

        // The wire messages (PROTOCOL.md) are written by the source-generated metadata the tools read them with.
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ProtocolJson.Default));

        // Hardening.
        builder.Services.AddGenericProblemDetails();
        builder.Services.AddExceptionHandler<StorageFullHandler>();
        builder.Services.AddReportingRateLimits();
        builder.Services.AddOpenApi(openApi => openApi.ShouldInclude = description => description.GroupName is null);

        var app = builder.Build();
        app.Lifetime.ApplicationStarted.Register(() => ListenAddresses.WarnIfNotLoopback(app.Urls, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ListenAddresses))));
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        app.UseRouting();
        app.UseRateLimiter();

        app.MapHealth();
        app.MapRoster();
        app.MapChallenges();
        app.MapReports();
        app.MapMailboxes();
        app.MapOpenApi("/openapi/{documentName}.json").RequireRateLimiting(RateLimits.Reads);
        return app;
    }

    /// <summary>No watching of configuration files: the default watches the content root and everything below
    /// it, the data folder too when it lies there, and would wake for every envelope written. The roster file
    /// has its own watcher; other settings take effect at restart.</summary>
    static WebApplicationBuilder CreateBuilder(string[] args) => WebApplication.CreateBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);

    /// <summary>The configuration the server would start with given <paramref name="args"/> (appsettings, the
    /// environment, the command line): what its other commands (backup, restore) run with.</summary>
    public static IConfiguration ReadConfiguration(string[] args) => CreateBuilder(args).Configuration;

    /// <summary>The store named by Reporting:Storage, and the Data Protection key ring beside it. Data
    /// Protection protects proof-of-work tokens and nothing else; its key ring lives with the store so
    /// tokens survive a restart and, with PostgreSQL, any instance verifies what another issued.</summary>
    static void AddStorage(WebApplicationBuilder builder, ReportingOptions options)
    {
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("Reporting.Server");
        if (options.Storage == "postgres")
        {
            var connectionString = builder.Configuration.GetConnectionString("Postgres") ?? "";
            builder.Services.AddSingleton(_ => new PostgresReportStore(connectionString));
            builder.Services.AddSingleton<IReportStore>(services => services.GetRequiredService<PostgresReportStore>());
            builder.Services.AddOptions<KeyManagementOptions>().Configure<PostgresReportStore>((keys, store) => keys.XmlRepository = new PostgresKeyRing(store.DataSource));
            builder.Services.AddSingleton<ISpoolSpace>(services => new SpoolVolume(services.GetRequiredService<IOptions<ReportingOptions>>().Value.DataDir));
        }
        else
        {
            builder.Services.AddSingleton<IReportStore>(services =>
            {
                var configured = services.GetRequiredService<IOptions<ReportingOptions>>().Value;
                return new SqliteReportStore(Path.Combine(configured.DataDir, DataFolder.DatabaseFile), DataFolder.KeepFreeBytes(configured));
            });
            builder.Services.AddSingleton<ISpoolSpace>(services => (SqliteReportStore)services.GetRequiredService<IReportStore>());
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(options.DataDir, DataFolder.KeysFolder)));
        }
    }

    /// <summary>Validates the options, prepares the data folder and the store, and loads the roster.
    /// Throws <see cref="OptionsValidationException"/>, <see cref="NewerSchemaException"/> or
    /// <see cref="Reporting.Format.Rosters.RosterException"/> with a message for the operator.</summary>
    public static async Task PrepareAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        var options = app.Services.GetRequiredService<IOptions<ReportingOptions>>().Value;
        DataFolder.Create(options.DataDir);
        DataFolder.Create(Path.Combine(options.DataDir, DataFolder.KeysFolder));
        IncomingBody.ClearLeftovers(options.DataDir);
        app.Services.GetRequiredService<ISpoolSpace>(); // with PostgreSQL, erases what a crash left in the spool volume
        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DataFolder)).LogInformation(
            "Uploads that would leave less than {MiB} MiB free on the data folder's volume are refused (Reporting:MinFreeBytes{Default}).",
            DataFolder.KeepFreeBytes(options) >> 20, options.MinFreeBytes is null ? ": unset, the smaller of 1 GiB and 5% of the volume" : "");
        var store = app.Services.GetRequiredService<IReportStore>();
        await store.InitializeAsync(cancellationToken);
        await EnsureTokenKeyAsync(app.Services, store, cancellationToken);
        await app.Services.GetRequiredService<RosterBook>().LoadAsync(cancellationToken);
        app.Services.GetRequiredService<RosterFreshness>().Refresh();
        app.Services.GetRequiredService<RosterExpiry>().Check();
        app.Services.GetRequiredService<ReceiptKey>().Load();
    }

    /// <summary>Makes sure the key ring holds a key for proof-of-work tokens before anything is served,
    /// one instance at a time: instances starting together on an empty database would otherwise each make
    /// their own, and refuse each other's tokens until their key rings refresh. Later keys are made by
    /// Data Protection ahead of their activation, which every instance sees in time.</summary>
    static async Task EnsureTokenKeyAsync(IServiceProvider services, IReportStore store, CancellationToken cancellationToken)
    {
        var keys = services.GetRequiredService<IKeyManager>();
        await using var _ = await store.LockAsync("key-ring", cancellationToken);
        var now = DateTimeOffset.UtcNow;
        if (!keys.GetAllKeys().Any(key => !key.IsRevoked && key.ActivationDate <= now && key.ExpirationDate > now + TimeSpan.FromDays(2)))
            keys.CreateNewKey(now, now + TimeSpan.FromDays(90));
    }
}
