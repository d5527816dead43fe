namespace Reporting.Format.Age;

/// <summary>The two kinds of age key pair these tools make and read.</summary>
public enum KeyKind
{
    /// <summary>X25519 (<c>age1…</c>): what every age reads, including age before 1.3 (Debian's 1.1.1).</summary>
    X25519,
    /// <summary>ML-KEM-768 with X25519 (<c>age1pq1…</c>): post-quantum; age ≥ 1.3 and typage ≥ 0.3 read it.</summary>
    Hybrid,
}

/// <summary>Reads a recipient or identity of either kind from its text, and says which kind a recipient is.</summary>
public static class AgeKeys
{
    /// <summary>Parses <c>age1pq1…</c> or <c>age1…</c>. Throws <see cref="AgeException"/> (InvalidKey) saying whether
    /// the text is damaged (checksum) or of a kind these tools do not read; the message never repeats the input.</summary>
    public static IRecipient ParseRecipient(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!Bech32.TryDecode(text, out string hrp, out _))
            throw new AgeException(AgeFailure.InvalidKey, "not a valid age recipient: a character is wrong or missing (the checksum does not match)");
        return hrp switch
        {
            HybridRecipient.Hrp => HybridRecipient.Parse(text),
            X25519Recipient.Hrp => X25519Recipient.Parse(text),
            _ when hrp.StartsWith("age1", StringComparison.OrdinalIgnoreCase) =>
                throw new AgeException(AgeFailure.InvalidKey, "an age recipient of a kind these tools do not support (a plugin's or a tag's); they read age1… (X25519) and age1pq1… (post-quantum)"),
            _ => throw new AgeException(AgeFailure.InvalidKey, "not an age recipient (age1… or age1pq1…)"),
        };
    }

    /// <summary>Parses <c>AGE-SECRET-KEY-PQ-1…</c> or <c>AGE-SECRET-KEY-1…</c>. Throws <see cref="AgeException"/>
    /// (InvalidKey); the message never repeats the input.</summary>
    public static IKeyIdentity ParseIdentity(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!Bech32.TryDecode(text, out string hrp, out byte[] data))
            throw new AgeException(AgeFailure.InvalidKey, "not a valid age identity (bad Bech32 checksum or character)");
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(data);
        return hrp switch
        {
            HybridIdentity.Hrp => HybridIdentity.Parse(text),
            X25519Identity.Hrp => X25519Identity.Parse(text),
            _ when hrp.StartsWith("AGE-PLUGIN-", StringComparison.Ordinal) =>
                throw new AgeException(AgeFailure.InvalidKey, "a plugin identity (AGE-PLUGIN-…), which these tools do not support"),
            _ => throw new AgeException(AgeFailure.InvalidKey, "not an age identity (expected AGE-SECRET-KEY-1… or AGE-SECRET-KEY-PQ-1…)"),
        };
    }

    /// <summary>A new identity of <paramref name="kind"/>.</summary>
    public static IKeyIdentity Generate(KeyKind kind) =>
        kind == KeyKind.Hybrid ? HybridIdentity.Generate() : X25519Identity.Generate();

    /// <summary>The kind of a recipient string, by its prefix (the string is not checked: parse it for that).</summary>
    public static KeyKind KindOf(string recipient) =>
        recipient.StartsWith(HybridRecipient.Hrp + "1", StringComparison.OrdinalIgnoreCase) ? KeyKind.Hybrid : KeyKind.X25519;

    /// <summary>The stanza type a recipient of <paramref name="kind"/> writes.</summary>
    public static string StanzaTypeOf(KeyKind kind) => kind == KeyKind.Hybrid ? HybridRecipient.StanzaType : X25519Recipient.StanzaType;
}
