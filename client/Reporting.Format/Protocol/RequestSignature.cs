using Reporting.Format.Keys;

namespace Reporting.Format.Protocol;

/// <summary>Signed requests (reviewer and mailbox routes). See PROTOCOL.md.</summary>
public static class RequestSignature
{
    public const string KeyHeader = "Reporting-Key";
    public const string TimestampHeader = "Reporting-Timestamp";
    public const string NonceHeader = "Reporting-Nonce";
    public const string SignatureHeader = "Reporting-Signature";

    /// <summary>The exact bytes that are signed.</summary>
    public static byte[] SignedBytes(string method, string pathAndQuery, long unixSeconds, string nonce, ReadOnlySpan<byte> bodySha256)
        => throw new NotImplementedException();
}
