using Reporting.Format.Age;
using Reporting.Format.Keys;
using Reporting.Format.Rosters;

namespace Reporting.Testing;

/// <summary>A reviewer made for a test: the age identity (decrypts reports; X25519 or post-quantum hybrid) and the
/// access key (fetches them).</summary>
public sealed class TestReviewer(string name, IKeyIdentity identity, SigningKey accessKey) : IDisposable
{
    public string Name { get; } = name;
    public IKeyIdentity Identity { get; } = identity;
    public SigningKey AccessKey { get; } = accessKey;
    /// <summary>The age recipient reports are sealed to (age1… or age1pq1…).</summary>
    public string Recipient => Identity.Recipient.ToString()!;
    public RosterEntry Entry => new(Name, Recipient, AccessKey.PublicKey.ToString());

    /// <summary>Keys made by the project's own code.</summary>
    public static TestReviewer Generate(string name, KeyKind kind = KeyKind.X25519) =>
        new(name, AgeKeys.Generate(kind), SigningKey.Generate(SigningKeyKind.Access));

    /// <summary>The age key pair made by the stock age-keygen, so that what is sealed to it owes nothing to the
    /// project's own key code: the recipient is age-keygen's own (the parsed identity must agree with it).</summary>
    public static TestReviewer FromStockAge(string name)
    {
        var (identity, recipient) = StockAge.KeyGen();
        var reviewer = new TestReviewer(name, X25519Identity.Parse(identity), SigningKey.Generate(SigningKeyKind.Access));
        if (reviewer.Recipient != recipient)
        {
            reviewer.Dispose();
            throw new InvalidOperationException($"age-keygen printed {recipient}, the identity parses to {reviewer.Recipient}");
        }
        return reviewer;
    }

    public void Dispose()
    {
        Identity.Dispose();
        AccessKey.Dispose();
    }
}
