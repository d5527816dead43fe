using Reporting.Format.Age;
using Reporting.Format.Keys;

namespace Reporting.Format.Codenames;

/// <summary>Why a typed codename was not accepted; <see cref="Position"/> is 1-based, 0 when not about one word.</summary>
public enum CodenameProblemKind { WrongWordCount, UnknownWord, ChecksumMismatch }
public sealed record CodenameProblem(CodenameProblemKind Kind, int Position, string? Word);

/// <summary>A source's codename: 8 BIP-39 words. See PROTOCOL.md for the checksum and derivation.</summary>
public sealed class Codename
{
    public const int WordCount = 8;
    public static Codename Generate(Wordlist wordlist) => throw new NotImplementedException();
    /// <summary>Normalises (NFKD, spacing, case), finds the list, checks every word and the checksum.</summary>
    public static bool TryParse(string text, out Codename? codename, out CodenameProblem? problem) => throw new NotImplementedException();
    public Wordlist Wordlist => throw new NotImplementedException();
    /// <summary>The words separated by single spaces.</summary>
    public override string ToString() => throw new NotImplementedException();
    /// <summary>Argon2id (64 MiB, 3 passes), salted by the organisation key, into the reply identity and mailbox key.</summary>
    public CodenameKeys DeriveKeys(PublicSigningKey organisation) => throw new NotImplementedException();
}

/// <summary>The two keys a codename stands for. Dispose to zero them.</summary>
public sealed class CodenameKeys(X25519Identity replyIdentity, SigningKey mailboxKey) : IDisposable
{
    public X25519Identity ReplyIdentity { get; } = replyIdentity;
    public SigningKey MailboxKey { get; } = mailboxKey;
    public void Dispose()
    {
        ReplyIdentity.Dispose();
        MailboxKey.Dispose();
    }
}
