using System.Text;
using System.Text.Json;
using Reporting.Format.Age;
using Reporting.Format.Keys;
using Reporting.Format.Rosters;

namespace Reporting.Fuzz;

/// <summary>Fixed keys and a fixed day, so a seed or a crash found today reproduces on any later day.
/// Throwaway fuzzing keys derived from constant seeds; they protect nothing.</summary>
public static class FuzzKeys
{
    public static readonly DateOnly Today = new(2026, 11, 27);

    public static readonly SigningKey Organisation = SigningKey.FromSeed(SigningKeyKind.Organisation, Seed(1));

    public static readonly SigningKey Freshness = SigningKey.FromSeed(SigningKeyKind.Freshness, Seed(2));

    /// <summary><see cref="ValidRoster"/>'s reviewers in a roster that lists <see cref="Freshness"/>: what a freshness statement is checked against.</summary>
    public static readonly SignedRoster FreshRoster = ValidRoster(Freshness.PublicKey.ToString());

    /// <summary>A roster file around <paramref name="payload"/>, signed as the organisation signs one.</summary>
    public static byte[] SignPayload(byte[] payload)
    {
        var signature = Organisation.Sign([.. "reporting roster v1\n"u8, .. payload]);
        return Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { payload = Convert.ToBase64String(payload), signature = Convert.ToBase64String(signature) }));
    }

    /// <summary>A valid roster of two reviewers, as <see cref="SignedRoster.Sign"/> writes it.</summary>
    public static SignedRoster ValidRoster(string? freshnessKey = null)
    {
        RosterEntry Reviewer(string name, byte n)
        {
            using var identity = X25519Identity.FromSecret(Seed(n));
            using var access = SigningKey.FromSeed(SigningKeyKind.Access, Seed((byte)(n + 1)));
            return new RosterEntry(name, identity.Recipient.ToString(), access.PublicKey.ToString());
        }
        var roster = new Roster(3, Today.AddDays(-1), Today.AddDays(90), Organisation.PublicKey.ToString(),
            [Reviewer("alice", 10), Reviewer("bob", 20)], FreshnessKey: freshnessKey);
        return SignedRoster.Sign(roster, Organisation);
    }

    public static byte[] Seed(byte n) => [.. Enumerable.Repeat(n, 32)];
}
