namespace Reporting.Format.Codenames;

/// <summary>A BIP-39 word list (2048 words, 11 bits a word), shipped as an embedded resource.</summary>
public sealed class Wordlist
{
    public static Wordlist English => throw new NotImplementedException();
    public static Wordlist Korean => throw new NotImplementedException();
    public static Wordlist Chinese => throw new NotImplementedException();
    /// <summary>"en", "ko", "zh" (or a culture name starting with them); English otherwise.</summary>
    public static Wordlist ForLanguage(string language) => throw new NotImplementedException();
    public string Language => throw new NotImplementedException();
}
