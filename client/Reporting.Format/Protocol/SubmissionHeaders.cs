namespace Reporting.Format.Protocol;

/// <summary>The headers of a submission (<c>POST /api/v1/reports</c>, PROTOCOL.md). The headers of a signed
/// request are <see cref="RequestSignature"/>'s.</summary>
public static class SubmissionHeaders
{
    /// <summary><c>token:nonce</c>, a solved challenge (D7).</summary>
    public const string Pow = "Reporting-Pow";

    /// <summary>The roster version the envelope was sealed to, in decimal (D6).</summary>
    public const string RosterVersion = "Reporting-Roster-Version";

    /// <summary>16 to 64 characters of base64url, the same for every retry of one report (D8).</summary>
    public const string IdempotencyKey = "Idempotency-Key";
}
