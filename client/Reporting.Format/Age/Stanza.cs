namespace Reporting.Format.Age;

/// <summary>One recipient stanza of an age header, as written: type, arguments, body.</summary>
public sealed record Stanza(string Type, IReadOnlyList<string> Arguments, byte[] Body);
