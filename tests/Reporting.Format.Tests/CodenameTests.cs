using System.Text;
using Reporting.Format.Codenames;
using Reporting.Format.Keys;
using Xunit;

namespace Reporting.Format.Tests;

public class CodenameTests
{
    /// <summary>Computed with Python's hashlib from PROTOCOL.md, independently of this code:
    /// random bits 00 01 … 09, checksum byte = SHA-256("reporting codename v1" || bits)[0].</summary>
    static readonly string[] KnownWords = ["abandon", "amount", "liar", "amount", "expire", "adjust", "cage", "cool"];
    static readonly byte[] KnownBits = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

    public static TheoryData<string> Languages => new() { "en", "ko", "zh" };

    [Fact]
    public void KnownBits_SpellTheWordsAnIndependentImplementationComputed()
    {
        var codename = Codename.FromRandom(Wordlist.English, KnownBits);

        Assert.Equal(string.Join(' ', KnownWords), codename.ToString());
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void Generated_ParsesBackToTheSameWords(string language)
    {
        var wordlist = Wordlist.ForLanguage(language);
        var codename = Codename.Generate(wordlist);

        Assert.True(Codename.TryParse(codename.ToString(), out var parsed, out var problem), problem?.ToString());
        Assert.Same(wordlist, parsed!.Wordlist);
        Assert.Equal(codename.ToString(), parsed.ToString());
        Assert.Equal(Codename.WordCount, codename.ToString().Split(' ').Length);
    }

    [Fact]
    public void Generate_GivesDifferentCodenamesEachTime()
    {
        var seen = Enumerable.Range(0, 50).Select(_ => Codename.Generate(Wordlist.English).ToString()).ToHashSet();

        Assert.Equal(50, seen.Count);
    }

    [Fact]
    public void UnknownWord_IsNamedWithItsPosition()
    {
        var typed = string.Join(' ', KnownWords.Select((w, i) => i == 4 ? "expyre" : w));

        Assert.False(Codename.TryParse(typed, out var codename, out var problem));
        Assert.Null(codename);
        Assert.Equal(new CodenameProblem(CodenameProblemKind.UnknownWord, 5, "expyre"), problem);
    }

    [Fact]
    public void WrongButValidWord_IsCaughtByTheChecksum()
    {
        // "liberty" follows "liar" in the list; Python confirms the checksum then fails.
        var typed = string.Join(' ', KnownWords.Select((w, i) => i == 2 ? "liberty" : w));

        Assert.False(Codename.TryParse(typed, out _, out var problem));
        Assert.Equal(CodenameProblemKind.ChecksumMismatch, problem!.Kind);
    }

    [Fact]
    public void EveryOtherWordInOnePlace_AllButAFewAreCaught()
    {
        // 8 checksum bits: about 1 in 256 wrong words passes. Python counts exactly 6 of the 2047
        // alternatives at position 3 that pass; a weaker or different checksum gives another count.
        var accepted = Wordlist.English.Words
            .Where(w => w != KnownWords[2])
            .Count(w => Codename.TryParse(string.Join(' ', KnownWords.Select((k, i) => i == 2 ? w : k)), out _, out _));

        Assert.Equal(6, accepted);
    }

    [Theory]
    [InlineData("abandon amount liar amount expire adjust cage")]
    [InlineData("abandon amount liar amount expire adjust cage cool cool")]
    [InlineData("")]
    [InlineData("   ")]
    public void WrongNumberOfWords_IsSaidSo(string typed)
    {
        Assert.False(Codename.TryParse(typed, out _, out var problem));
        Assert.Equal(CodenameProblemKind.WrongWordCount, problem!.Kind);
    }

    [Fact]
    public void Spacing_CaseAndFullWidthLetters_DoNotMatter()
    {
        var typed = "  ABANDON\tAmount\u3000liar\n amount  expire adjust cage ｃｏｏｌ ";

        Assert.True(Codename.TryParse(typed, out var codename, out var problem), problem?.ToString());
        Assert.Equal(string.Join(' ', KnownWords), codename!.ToString());
    }

    [Fact]
    public void Korean_TypedComposed_MatchesTheDecomposedList()
    {
        var codename = Codename.FromRandom(Wordlist.Korean, KnownBits);
        var shown = codename.ToString();
        // What a Korean keyboard produces: precomposed syllables (NFC), separated by ideographic spaces.
        var typed = shown.Normalize(NormalizationForm.FormC).Replace(' ', '\u3000');

        Assert.True(typed.IsNormalized(NormalizationForm.FormC));
        Assert.NotEqual(typed.Normalize(NormalizationForm.FormKD), typed);
        Assert.True(Codename.TryParse(typed, out var parsed, out var problem), problem?.ToString());
        Assert.Same(Wordlist.Korean, parsed!.Wordlist);
        Assert.Equal(shown, parsed.ToString());
    }

    [Fact]
    public void Chinese_TypedWithoutSpaces_IsSplitIntoCharacters()
    {
        var codename = Codename.FromRandom(Wordlist.Chinese, KnownBits);
        var typed = codename.ToString().Replace(" ", "");

        Assert.Equal(Codename.WordCount, typed.Length);
        Assert.True(Codename.TryParse(typed, out var parsed, out var problem), problem?.ToString());
        Assert.Same(Wordlist.Chinese, parsed!.Wordlist);
        Assert.Equal(codename.ToString(), parsed.ToString());
    }

    [Fact]
    public void Chinese_UnknownCharacter_IsNamedWithItsPosition()
    {
        var words = Codename.FromRandom(Wordlist.Chinese, KnownBits).ToString().Split(' ');
        words[6] = "龘"; // not in the list
        Assert.DoesNotContain("龘", Wordlist.Chinese.Words);

        Assert.False(Codename.TryParse(string.Concat(words), out _, out var problem));
        Assert.Equal(new CodenameProblem(CodenameProblemKind.UnknownWord, 7, "龘"), problem);
    }

    [Fact]
    public void Korean_TypoInOneWord_StillNamesTheKoreanWord()
    {
        var words = Codename.FromRandom(Wordlist.Korean, KnownBits).ToString().Split(' ');
        words[1] = "가나다라마";

        Assert.False(Codename.TryParse(string.Join(' ', words), out _, out var problem));
        Assert.Equal(new CodenameProblem(CodenameProblemKind.UnknownWord, 2, "가나다라마"), problem);
    }

    [Theory]
    [InlineData("en", "en")]
    [InlineData("ko-KR", "ko")]
    [InlineData("zh-Hans", "zh")]
    [InlineData("fr", "en")]
    public void ForLanguage_PicksTheList(string language, string expected)
    {
        Assert.Equal(expected, Wordlist.ForLanguage(language).Language);
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void EveryList_Holds2048DistinctWords(string language)
    {
        var words = Wordlist.ForLanguage(language).Words;

        Assert.Equal(2048, words.Count);
        Assert.Equal(2048, words.Distinct().Count());
    }

    [Fact]
    public void DeriveKeys_IsDeterministic()
    {
        using var organisation = SigningKey.Generate(SigningKeyKind.Organisation);
        var codename = Codename.Generate(Wordlist.English);
        Assert.True(Codename.TryParse(codename.ToString(), out var retyped, out _));

        using var first = codename.DeriveKeys(organisation.PublicKey);
        using var second = retyped!.DeriveKeys(organisation.PublicKey);

        Assert.Equal(first.ReplyIdentity.Recipient.ToString(), second.ReplyIdentity.Recipient.ToString());
        Assert.Equal(first.MailboxKey.PublicKey, second.MailboxKey.PublicKey);
        Assert.Equal(SigningKeyKind.Mailbox, first.MailboxKey.PublicKey.Kind);
        Assert.StartsWith("reportmailbox1", first.MailboxKey.PublicKey.ToString());
    }

    [Fact]
    public void DeriveKeys_DiffersPerOrganisationAndPerCodename()
    {
        using var one = SigningKey.Generate(SigningKeyKind.Organisation);
        using var other = SigningKey.Generate(SigningKeyKind.Organisation);
        var codename = Codename.FromRandom(Wordlist.English, KnownBits);
        var neighbour = Codename.FromRandom(Wordlist.English, [0, 1, 2, 3, 4, 5, 6, 7, 8, 8]);

        using var a = codename.DeriveKeys(one.PublicKey);
        using var b = codename.DeriveKeys(other.PublicKey);
        using var c = neighbour.DeriveKeys(one.PublicKey);

        Assert.NotEqual(a.MailboxKey.PublicKey, b.MailboxKey.PublicKey);
        Assert.NotEqual(a.ReplyIdentity.Recipient.ToString(), b.ReplyIdentity.Recipient.ToString());
        Assert.NotEqual(a.MailboxKey.PublicKey, c.MailboxKey.PublicKey);
        Assert.NotEqual(a.ReplyIdentity.Recipient.ToString(), c.ReplyIdentity.Recipient.ToString());
        Assert.NotEqual(a.HybridReplyIdentity.Recipient.ToString(), b.HybridReplyIdentity.Recipient.ToString());
        Assert.NotEqual(a.HybridReplyIdentity.Recipient.ToString(), c.HybridReplyIdentity.Recipient.ToString());
    }

    [Fact]
    public void DeriveKeys_FollowsTheProtocol_ForBothReplyIdentities()
    {
        // Recomputed here from PROTOCOL.md (Codename) with NSec's Argon2id and .NET's HKDF, not through Codename.
        using var organisation = SigningKey.Generate(SigningKeyKind.Organisation);
        var salt = System.Security.Cryptography.SHA256.HashData([.. "reporting codename salt v1"u8, .. organisation.PublicKey.Bytes])[..16];
        var argon2 = NSec.Cryptography.PasswordBasedKeyDerivationAlgorithm.Argon2id(
            new NSec.Cryptography.Argon2Parameters { DegreeOfParallelism = 1, MemorySize = 64 * 1024, NumberOfPasses = 3 });
        var stretched = argon2.DeriveBytes(KnownBits, salt, 64);
        var hybridSeed = System.Security.Cryptography.HKDF.DeriveKey(System.Security.Cryptography.HashAlgorithmName.SHA256,
            stretched, 32, [], "reporting codename hybrid reply v1"u8.ToArray());
        using var expectedClassic = Reporting.Format.Age.X25519Identity.FromSecret(stretched.AsSpan(0, 32));
        using var expectedHybrid = Reporting.Format.Age.HybridIdentity.FromSeed(hybridSeed);

        using var keys = Codename.FromRandom(Wordlist.English, KnownBits).DeriveKeys(organisation.PublicKey);

        Assert.Equal(expectedClassic.Recipient.ToString(), keys.ReplyIdentity.Recipient.ToString());
        Assert.Equal(expectedHybrid.Recipient.ToString(), keys.HybridReplyIdentity.Recipient.ToString());
        Assert.StartsWith("age1pq1", keys.ReplyIdentityFor(Reporting.Format.Age.KeyKind.Hybrid).Recipient.ToString());
        Assert.StartsWith("age1", keys.ReplyIdentityFor(Reporting.Format.Age.KeyKind.X25519).Recipient.ToString());
    }

    [Fact]
    public void DeriveKeys_WithAnAccessKeyAsOrganisation_IsRefused()
    {
        using var access = SigningKey.Generate(SigningKeyKind.Access);

        Assert.Throws<ArgumentException>(() => Codename.Generate(Wordlist.English).DeriveKeys(access.PublicKey));
    }

    [Fact]
    public void MailboxKey_CannotBeExported()
    {
        using var organisation = SigningKey.Generate(SigningKeyKind.Organisation);
        using var keys = Codename.Generate(Wordlist.English).DeriveKeys(organisation.PublicKey);

        Assert.Throws<InvalidOperationException>(() => keys.MailboxKey.Export());
    }
}
