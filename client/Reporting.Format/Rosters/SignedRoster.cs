using Reporting.Format.Keys;

namespace Reporting.Format.Rosters;

/// <summary>A roster with the organisation's signature over its exact bytes. See PROTOCOL.md.</summary>
public sealed class SignedRoster
{
    /// <summary>The file's exact bytes, to store and serve unchanged.</summary>
    public required byte[] FileBytes { get; init; }
    public required Roster Roster { get; init; }

    public static SignedRoster Sign(Roster roster, SigningKey organisation) => throw new NotImplementedException();

    /// <summary>Verifies a roster file against the pinned organisation key. Throws <see cref="RosterException"/>
    /// with a distinct failure for unsigned, tampered, other organisation, expired and rolled-back rosters.</summary>
    /// <param name="minimumVersion">The highest version already seen; a lower one is a rollback.</param>
    public static SignedRoster Verify(ReadOnlySpan<byte> fileBytes, PublicSigningKey organisation, DateOnly today, int minimumVersion = 0)
        => throw new NotImplementedException();
}
