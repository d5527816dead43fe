using Reporting.Format.Age;
using Reporting.Format.Bundles;
using Reporting.Format.Rosters;

namespace Reporting.Fuzz;

/// <summary>One parser under fuzz: what it is fed, and the one exception type its documentation says it
/// throws on bad input. Anything else escaping <see cref="Run"/> is a finding (afl-fuzz records it as a crash).</summary>
public sealed record FuzzTarget(string Name, Type Documented, Action<byte[]> Parse)
{
    /// <summary>Feeds <paramref name="input"/> to the parser: true when it accepts it, false when it refuses it
    /// with the documented exception. Any other exception escapes.</summary>
    public bool Run(byte[] input)
    {
        try
        {
            Parse(input);
            return true;
        }
        catch (Exception e) when (e.GetType() == Documented)
        {
            return false; // a refusal, as documented: exactly what hostile input should get
        }
    }

    public static readonly IReadOnlyList<FuzzTarget> All =
    [
        // The server parses this from every submission; the tools from every file they open.
        new("header", typeof(AgeException), input => AgeHeader.Parse(new MemoryStream(input))),
        // Armored files arrive by chat or USB; read to the end so every line rule is exercised.
        new("armor", typeof(AgeException), input => new ArmorReader(new MemoryStream(input)).CopyTo(Stream.Null)),
        // A roster file as a server or a hostile network serves it, verified under the pinned key.
        new("roster", typeof(RosterException), input => SignedRoster.Verify(input, FuzzKeys.Organisation.PublicKey, FuzzKeys.Today)),
        // The signed payload: signed here with the pinned key, so mutations reach the parser behind the signature.
        new("roster-payload", typeof(RosterException), input => SignedRoster.Verify(FuzzKeys.SignPayload(input), FuzzKeys.Organisation.PublicKey, FuzzKeys.Today)),
        // A freshness statement as a server or a hostile network serves it, checked against the roster it names.
        new("freshness", typeof(RosterException), input => SignedFreshness.Verify(input, FuzzKeys.FreshRoster)),
        // report.json from a decrypted bundle: written by whoever sealed it.
        new("report-json", typeof(InvalidDataException), input => ReportDocument.Parse(input)),
        // The whole decrypted bundle (tar and padding), attachments written to a scratch folder.
        new("bundle", typeof(InvalidDataException), BundleScratch.Read),
    ];

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
