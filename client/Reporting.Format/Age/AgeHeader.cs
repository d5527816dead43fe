namespace Reporting.Format.Age;

/// <summary>The parsed header of an age v1 file (stanzas and MAC), without opening anything.
/// The server uses it to check an envelope's shape.</summary>
public sealed class AgeHeader
{
    public required IReadOnlyList<Stanza> Stanzas { get; init; }
    /// <summary>Parses the header from the start of <paramref name="source"/> (binary, not armored),
    /// leaving the stream positioned at the payload. Throws <see cref="AgeException"/> (MalformedHeader).</summary>
    public static AgeHeader Parse(Stream source) => throw new NotImplementedException();
}
