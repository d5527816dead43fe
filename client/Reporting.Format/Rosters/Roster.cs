namespace Reporting.Format.Rosters;

/// <summary>One reviewer as the roster lists them.</summary>
/// <param name="Recipient">age X25519 recipient, <c>age1…</c>.</param>
/// <param name="AccessKey">Ed25519 access public key, <c>reportaccess1…</c>.</param>
public sealed record RosterEntry(string Name, string Recipient, string AccessKey);

/// <summary>Whom to encrypt to, and whose requests to honour.</summary>
public sealed record Roster(
    int Version,
    DateOnly Issued,
    DateOnly Expires,
    string Organisation,
    IReadOnlyList<RosterEntry> Reviewers);
