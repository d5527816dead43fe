using System.Text;
using Reporting.Cli;

namespace Reporting.Review.Keys;

/// <summary>The one check every new passphrase of the reviewers' keys passes (identity, access key,
/// organisation key; docs/DESIGN.md D4): once a key file is stolen, its passphrase is all that stands
/// between the thief and the key, one scrypt (2^18) per guess, which a cracking rig does thousands of
/// times a second. zxcvbn estimates how many guesses a passphrase takes, knowing words, names, dates,
/// keyboard walks, repeats and the tool's own words.</summary>
static class NewPassphrase
{
    /// <summary>zxcvbn's score 3: about 10^8 guesses or more, its bar for an offline attack on a slow hash.
    /// Four random words pass; a word with a digit, a name with a year, a keyboard walk do not.</summary>
    const int MinimumScore = 3;

    /// <summary>Words an attacker would try first against these files.</summary>
    static readonly string[] ToolWords = ["review", "reviewer", "report", "reporting", "passphrase", "password", "identity", "access", "organisation", "organization", "roster", "secret", "key"];

    const string Hint = "use four or more words chosen at random (dice and a word list), or a long sentence of your own that nobody could guess; avoid names, dates, keyboard patterns and quotes";

    /// <summary>Judges a new passphrase for <paramref name="what"/>; <paramref name="unlike"/> is another key's
    /// passphrase it must not repeat, and <paramref name="context"/> words it must not lean on (the reviewer's name).</summary>
    public static PassphraseJudge For(string what, byte[]? unlike = null, params string[] context) =>
        new("review", passphrase => Problem(passphrase, what, unlike, context), Hint);

    static string? Problem(byte[] passphrase, string what, byte[]? unlike, string[] context)
    {
        if (unlike is not null && passphrase.AsSpan().SequenceEqual(unlike))
            return $"is the same as the identity's; {what} needs a passphrase of its own (--access-passphrase-file), so that one typed on the online workstation never opens the identity";
        var text = Encoding.UTF8.GetString(passphrase);
        var result = Zxcvbn.Zxcvbn.MatchPassword(text, [.. ToolWords, .. context]);
        return result.Score >= MinimumScore
            ? null
            : $"is too weak for {what}: strength {result.Score} of 4 by zxcvbn's estimate, at least {MinimumScore} needed";
    }
}
