namespace Reporting.Format.Age;

/// <summary>Seals and opens age v1 files, streaming in constant memory.</summary>
public static class AgeFile
{
    /// <summary>A writable stream: bytes written are sealed to <paramref name="destination"/>;
    /// disposing it writes the final chunk (and the armor footer). A scrypt recipient must be alone.</summary>
    public static Stream Seal(Stream destination, IReadOnlyList<IRecipient> recipients, bool armor = false, bool leaveOpen = false)
        => throw new NotImplementedException();

    /// <summary>Seals all of <paramref name="input"/> into <paramref name="output"/>, using every core.</summary>
    public static void Seal(Stream input, Stream output, IReadOnlyList<IRecipient> recipients, bool armor = false)
        => throw new NotImplementedException();

    /// <summary>A readable stream of the plaintext. Header and file key are checked before it returns;
    /// each chunk is authenticated before any of its bytes are returned; truncation throws at the end.
    /// Armor is detected. Throws <see cref="AgeException"/>.</summary>
    public static Stream Open(Stream source, IReadOnlyList<IIdentity> identities, bool leaveOpen = false)
        => throw new NotImplementedException();

    /// <summary>Opens all of <paramref name="input"/> into <paramref name="output"/>, using every core.
    /// Throws <see cref="AgeException"/>; the caller discards what was written on failure.</summary>
    public static void Open(Stream input, Stream output, IReadOnlyList<IIdentity> identities)
        => throw new NotImplementedException();
}
