namespace Reporting.Format.Age;

/// <summary>Why an age file could not be opened. Distinct kinds so the tools can say what is wrong.</summary>
public enum AgeFailure
{
    /// <summary>The header is not well formed (bad version line, stanza, base64, MAC line...).</summary>
    MalformedHeader,
    /// <summary>None of the identities opens any stanza: wrong key or wrong passphrase.</summary>
    NoIdentityMatched,
    /// <summary>A stanza was opened but the header MAC does not verify: the header was tampered with.</summary>
    HeaderMacMismatch,
    /// <summary>A payload chunk fails authentication, is out of place, or trails garbage.</summary>
    PayloadCorrupt,
    /// <summary>The file ends before the final chunk.</summary>
    Truncated,
    /// <summary>The ASCII armor is not canonical.</summary>
    MalformedArmor,
    /// <summary>A scrypt work factor above the limit we accept (too slow: a denial of service).</summary>
    WorkFactorTooHigh,
    /// <summary>A recipient or identity string is not valid.</summary>
    InvalidKey,
}

public sealed class AgeException(AgeFailure failure, string message) : Exception(message)
{
    public AgeFailure Failure { get; } = failure;
}
