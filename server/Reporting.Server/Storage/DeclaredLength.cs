namespace Reporting.Server.Storage;

/// <summary>A stored ciphertext holds exactly the bytes its submission declared: a body that runs on or
/// ends early is not the envelope announced, and nothing of it is kept. Both stores check as they copy,
/// chunk by chunk, so a body is never held whole to be counted.</summary>
public static class DeclaredLength
{
    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="read"/> bytes are more than
    /// <paramref name="declared"/>, or fewer once the source has <paramref name="ended"/>.</summary>
    public static void Check(long read, long declared, bool ended)
    {
        if (read > declared)
            throw new ArgumentException("The ciphertext is longer than its declared size.", "ciphertext");
        if (ended && read != declared)
            throw new ArgumentException("The ciphertext is shorter than its declared size.", "ciphertext");
    }
}
