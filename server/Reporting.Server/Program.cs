using Microsoft.Extensions.Options;
using Reporting.Format.Rosters;
using Reporting.Server;

// The submission server: stores ciphertext, checks shape, proof of work and signatures, forgets on time.
try
{
    var app = ServerApp.Build(args);
    await ServerApp.PrepareAsync(app);
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException e)
{
    // What the operator must fix, one line each; no stack trace.
    foreach (var failure in e.Failures)
        Console.Error.WriteLine($"reporting-server: error: {failure}");
    return 1;
}
catch (RosterException e) when (e.Failure == RosterFailure.Rollback)
{
    Console.Error.WriteLine("reporting-server: error: the configured roster's version is lower than one this server already served.");
    Console.Error.WriteLine("hint: sign a roster with a version above every earlier one (`review org sign --version N`).");
    return 1;
}

public partial class Program;
