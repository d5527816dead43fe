using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Reporting.Format.Protocol;

namespace Reporting.Server.Challenges;

/// <summary>A solved, unexpired challenge. Claiming it for an upload and spending it are the store's
/// job (<see cref="Storage.IReportStore.TryClaimTokenAsync"/>), shared by every server instance.</summary>
public sealed record PowTicket(string TokenId, DateOnly ExpiresDay);

/// <summary>Proof-of-work tokens (D7): a random id and a difficulty, protected and time-limited by ASP.NET
/// Data Protection, so the server keeps no state until a token is spent and no one can forge a token or
/// work on one before it is issued. Issuing one is one Data Protection operation (about ten microseconds of CPU) and
/// no state, less than the HTTP request that asks for it: nothing worth a shared bucket that a flood could
/// empty (<see cref="ChallengeRoutes"/>). Data Protection serves nothing else in this server.</summary>
public sealed class PowTokens(IDataProtectionProvider dataProtection, IOptions<ReportingOptions> options, TimeProvider clock)
{
    /// <summary>Five minutes: a second of work plus a slow Tor upload, with room to spare; short enough
    /// that a stockpile of solved tokens goes stale.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    /// <summary>Real tokens are ~150 characters; anything far longer is refused before any crypto.</summary>
    const int MaxTokenLength = 512;

    const byte PayloadVersion = 1;
    const int IdBytes = 16;

    readonly ITimeLimitedDataProtector _protector =
        dataProtection.CreateProtector("Reporting.Server.ProofOfWork.v1").ToTimeLimitedDataProtector();

    public IssuedChallenge Issue()
    {
        var difficulty = options.Value.PowDifficulty;
        Span<byte> payload = stackalloc byte[2 + IdBytes];
        payload[0] = PayloadVersion;
        payload[1] = (byte)difficulty;
        RandomNumberGenerator.Fill(payload[2..]);
        var token = Base64Url.EncodeToString(_protector.Protect(payload.ToArray(), clock.GetUtcNow() + Lifetime));
        return new IssuedChallenge(token, difficulty, (int)Lifetime.TotalSeconds);
    }

    /// <summary>Checks a <c>token:nonce</c> header (<see cref="SubmissionHeaders.Pow"/>): genuine, unexpired,
    /// solved to the difficulty an upload of <paramref name="declaredLength"/> bytes needs
    /// (<see cref="ProofOfWork.DifficultyFor"/>). Null otherwise; it does not say which, and it never throws on
    /// hostile input.</summary>
    public PowTicket? Check(string? header, long declaredLength)
    {
        if (string.IsNullOrEmpty(header) || header.Length > MaxTokenLength + 21)
            return null;
        var colon = header.LastIndexOf(':');
        if (colon <= 0)
            return null;
        var token = header[..colon];
        if (!ulong.TryParse(header.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var nonce))
            return null;
        if (token.Length > MaxTokenLength || !Base64Url.IsValid(token))
            return null;

        byte[] payload;
        DateTimeOffset expires;
        try
        {
            payload = _protector.Unprotect(Base64Url.DecodeFromChars(token), out expires);
        }
        catch (CryptographicException)
        {
            return null; // forged, damaged, from another key ring, or expired by the wall clock
        }
        var now = clock.GetUtcNow();
        if (expires <= now || expires > now + Lifetime + TimeSpan.FromMinutes(1))
            return null;
        if (payload is not [PayloadVersion, var difficulty, ..] || payload.Length != 2 + IdBytes || declaredLength < 0)
            return null;
        var required = ProofOfWork.DifficultyFor(difficulty, declaredLength);
        if (required > ProofOfWork.MaxDifficulty || !ProofOfWork.IsSolved(Encoding.ASCII.GetBytes(token), nonce, required))
            return null;
        var id = Convert.ToHexStringLower(payload.AsSpan(2));
        return new PowTicket(id, DateOnly.FromDateTime(expires.UtcDateTime));
    }
}
