using System.Net.Sockets;
using System.Reflection;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using Reporting.Format.Rosters;
using Reporting.Server;
using Reporting.Server.Backups;
using Reporting.Server.Storage;

// The submission server: stores ciphertext, checks shape, proof of work and signatures, forgets on time.
if (args is ["--version"])
{
    // The release puts the commit after a '+' (InformationalVersion gets the SDK's SourceRevisionId).
    var version = typeof(ServerApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
    Console.WriteLine(version.Split('+') is [var release, var commit] ? $"reporting-server {release} (commit {commit})" : $"reporting-server {version}");
    return 0;
}

if (BackupCommand.Handles(args))
{
    try
    {
        return BackupCommand.Run(args);
    }
    catch (OperatorError e)
    {
        return Fail([e.Message], e.Hint);
    }
}

WebApplication? app = null;
// The addresses it was told to listen on (--urls, or the default), for a failure to bind: the host that
// failed cannot be asked any more.
var urls = ServerApp.DefaultUrl;
try
{
    app = ServerApp.Build(args);
    urls = app.Configuration["urls"] ?? urls;
    await ServerApp.PrepareAsync(app);
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException e)
{
    // What the operator must fix, one line each (each says what to do); no stack trace.
    return Fail([.. e.Failures]);
}
catch (NewerSchemaException e)
{
    // Opening it could only go wrong: this server does not know what the newer schema means.
    return Fail([$"the database was written by a newer server (schema {e.Found}; this server knows up to {e.Known})."],
        "run that server version or a newer one, or restore a backup made by this version.");
}
catch (Exception e) when (StorageFull.Caused(e))
{
    return Fail(["the storage is full: the store cannot finish opening."],
        "free space on the volume of Reporting:DataDir (or the database's), then start again; nothing acknowledged is lost.");
}
catch (Npgsql.NpgsqlException e)
{
    // Where it tried (never the password) and what PostgreSQL or the network said.
    var target = new Npgsql.NpgsqlConnectionStringBuilder(app?.Configuration.GetConnectionString("Postgres") ?? "");
    return Fail([$"cannot use the PostgreSQL database '{target.Database}' at {target.Host}:{target.Port} (ConnectionStrings:Postgres): {e.Message}"],
        "check that PostgreSQL runs and accepts this server's user, and that the database exists.");
}
catch (IOException e) when (e.InnerException is AddressInUseException)
{
    return Fail([$"cannot listen on {urls}: the address is already in use."],
        "another program, or another instance of this server, listens there: stop it, or choose a free port with --urls (http://127.0.0.1:0 lets the system choose one; the log names it).");
}
catch (SocketException e) when (e.SocketErrorCode == SocketError.AccessDenied)
{
    return Fail([$"cannot listen on {urls}: permission denied."],
        "ports below 1024 need a privilege this server should not have: listen on a higher port on loopback (--urls http://127.0.0.1:5080) and let Tor or the reverse proxy publish it.");
}
catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressNotAvailable)
{
    return Fail([$"cannot listen on {urls}: no network interface of this machine has that address."],
        "listen on loopback (--urls http://127.0.0.1:5080) behind a Tor onion service or a reverse proxy.");
}
catch (RosterException e) when (e.Failure == RosterFailure.Rollback)
{
    return Fail(["the configured roster's version is lower than one this server already served."],
        "sign a roster with a version above every earlier one (`review org sign --version N`).");
}
catch (RosterException e) when (e.Failure == RosterFailure.VersionReused)
{
    return Fail([$"the configured roster carries version {e.Version}, which this server already served with other content; a version never changes its content."],
        "put back the roster file this server served as that version, or have the organisation sign the new one as a higher version (`review org sign --version N`).");
}
catch (RosterException e)
{
    // The configured file passed validation, so it is a roster served earlier (kept in the store).
    return Fail([$"a roster this server served earlier no longer verifies ({e.Message})."],
        "Reporting:OrgKey must stay the organisation key of every roster in the store; a new organisation key needs a new store.");
}

// The tools' form (`report: error: …` then `report: hint: …`), under the server's own name.
static int Fail(IEnumerable<string> errors, string? hint = null)
{
    const string Name = "reporting-server";
    foreach (var error in errors)
        Console.Error.WriteLine($"{Name}: error: {error}");
    if (hint is not null)
        Console.Error.WriteLine($"{Name}: hint: {hint}");
    return 1;
}

public partial class Program;
