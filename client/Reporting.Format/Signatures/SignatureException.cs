namespace Reporting.Format.Signatures;

public enum SignatureFailure
{
    /// <summary>Not a minisign signature file, or damaged.</summary>
    Malformed,
    /// <summary>minisign's legacy algorithm (the file signed whole, not its BLAKE2b hash): never written by us.</summary>
    Unsupported,
    /// <summary>Made with another key than the one given.</summary>
    OtherKey,
    /// <summary>The file is not the one that was signed.</summary>
    BadSignature,
    /// <summary>The trusted comment was changed after signing.</summary>
    BadTrustedComment,
}

public sealed class SignatureException(SignatureFailure failure, string message) : Exception(message)
{
    public SignatureFailure Failure { get; } = failure;
}
