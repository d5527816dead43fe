using System.Text;
using Reporting.Format.Codenames;
using Reporting.Format.Keys;
using Reporting.Testing;
using Xunit;

namespace Reporting.Format.Tests;

/// <summary>The reviewed Korean and Chinese lists, the earlier spelling still read, the digits form, and words
/// or groups in the wrong order.</summary>
public class CodenameFormsTests
{
    static readonly byte[] KnownBits = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

    /// <summary>Computed with Python's hashlib from PROTOCOL.md: 0x00010203040506070809 in 25 digits, then
    /// (SHA-256("reporting codename digits v1" || bits)[0..2] big-endian) mod 1000.</summary>
    const string KnownDigits = "0000 0185 9170 8106 3380 1114 5308";

    public static TheoryData<string> Languages => new() { "en", "ko", "zh" };
    public static TheoryData<string, string> EarlierLists => new() { { "ko", "korean.txt" }, { "zh", "chinese_simplified.txt" } };

    [Theory]
    [MemberData(nameof(EarlierLists))]
    public void CodenameSpelledWithTheEarlierList_ReadsAsTheSameCodename(string language, string earlierFile)
    {
        var earlier = File.ReadAllLines(Repository.Path("client", "Reporting.Format", "Codenames", "Wordlists", earlierFile))
            .Where(l => l.Length > 0).Select(l => l.Normalize(NormalizationForm.FormC)).ToArray();
        var list = Wordlist.ForLanguage(language);
        Assert.NotEmpty(list.Retired);
        for (var round = 0; round < 200; round++)
        {
            var codename = Codename.Generate(list);
            // The same 11-bit values spelled with the BIP-39 list, as a codename made before the review was.
            var old = string.Join(' ', codename.ToString().Split(' ')
                .Select(w => earlier[list.Words.ToList().IndexOf(w.Normalize(NormalizationForm.FormKD))]));

            Assert.True(Codename.TryParse(old, out var parsed, out var problem), problem?.ToString());
            Assert.Equal(codename.ToString(), parsed!.ToString());
        }
    }

    [Fact]
    public void EarlierSpelling_DerivesTheSameKeys()
    {
        using var organisation = SigningKey.Generate(SigningKeyKind.Organisation);
        var retired = Wordlist.Korean.Retired[0];
        var place = File.ReadAllLines(Repository.Path("client", "Reporting.Format", "Codenames", "Wordlists", "korean.txt"))
            .Select(l => l.Trim().Normalize(NormalizationForm.FormKD)).ToList().IndexOf(retired);
        Assert.True(place >= 0);
        // The first word is the first 11 bits: put the retired word's place there.
        byte[] bits = [(byte)(place >> 3), (byte)((place & 7) << 5), 2, 3, 4, 5, 6, 7, 8, 9];
        var codename = Codename.FromRandom(Wordlist.Korean, bits);
        var words = codename.ToString().Split(' ');
        Assert.NotEqual(retired, words[0].Normalize(NormalizationForm.FormKD));
        words[0] = retired.Normalize(NormalizationForm.FormC);

        Assert.True(Codename.TryParse(string.Join(' ', words), out var typed, out var problem), problem?.ToString());
        using var a = codename.DeriveKeys(organisation.PublicKey);
        using var b = typed!.DeriveKeys(organisation.PublicKey);
        Assert.Equal(a.MailboxKey.PublicKey, b.MailboxKey.PublicKey);
        Assert.Equal(codename.ToString(), typed.ToString());
    }

    [Fact]
    public void KoreanWords_AreTellApartByTheirFirstTwoSyllables()
    {
        var words = Wordlist.Korean.Words.Select(w => w.Normalize(NormalizationForm.FormC)).ToList();

        Assert.All(words, w => Assert.InRange(w.Length, 2, 4));
        Assert.Equal(words.Count, words.Select(w => w[..2]).Distinct().Count());
    }

    [Theory]
    [InlineData("컴퓨터")]
    [InlineData("텔레비전")]
    [InlineData("햄버거")]
    [InlineData("위험")]
    [InlineData("비판")]
    [InlineData("경찰")]
    [InlineData("살인")]
    [InlineData("대한민국")]
    [InlineData("하느님")]
    [InlineData("烃")]
    [InlineData("酯")]
    [InlineData("醇")]
    [InlineData("钠")]
    [InlineData("钾")]
    [InlineData("氯")]
    [InlineData("死")]
    [InlineData("杀")]
    [InlineData("党")]
    [InlineData("警")]
    public void ReviewedLists_NeverShowThisWord(string word)
    {
        var nfkd = word.Normalize(NormalizationForm.FormKD);

        Assert.DoesNotContain(nfkd, Wordlist.Korean.Words);
        Assert.DoesNotContain(nfkd, Wordlist.Chinese.Words);
        // Still read at its old place when it was in the earlier list.
        Assert.True(Wordlist.Korean.Retired.Contains(nfkd) || Wordlist.Chinese.Retired.Contains(nfkd));
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void OneWrongWord_IsCaughtByTheChecksumAlmostAlways(string language)
    {
        var list = Wordlist.ForLanguage(language);
        var words = Codename.FromRandom(list, KnownBits).ToString().Split(' ');

        // 8 checksum bits: about 8 of the 2047 other words pass at one place; far more means a broken checksum.
        var accepted = list.Words.Select(w => w.Normalize(NormalizationForm.FormC)).Where(w => w != words[2])
            .Count(w => Codename.TryParse(string.Join(' ', words.Select((k, i) => i == 2 ? w : k)), out _, out _));

        Assert.InRange(accepted, 1, 24);
    }

    [Fact]
    public void KnownBits_WriteTheDigitsAnIndependentImplementationComputed()
    {
        Assert.Equal(KnownDigits, Codename.FromRandom(null, KnownBits).ToString());
    }

    [Fact]
    public void Digits_RoundTrip_AndAreTheSameCodenameAsTheWords()
    {
        using var organisation = SigningKey.Generate(SigningKeyKind.Organisation);
        for (var round = 0; round < 500; round++)
        {
            var codename = Codename.Generate(null);
            var shown = codename.ToString();
            Assert.Matches(@"^\d{4}( \d{4}){6}$", shown);
            Assert.True(Codename.TryParse(shown, out var parsed, out var problem), problem?.ToString());
            Assert.Null(parsed!.Wordlist);
            Assert.Equal(shown, parsed.ToString());
        }
        var words = Codename.FromRandom(Wordlist.Chinese, KnownBits);
        Assert.True(Codename.TryParse(KnownDigits, out var digits, out _));
        using var a = words.DeriveKeys(organisation.PublicKey);
        using var b = digits!.DeriveKeys(organisation.PublicKey);
        Assert.Equal(a.MailboxKey.PublicKey, b.MailboxKey.PublicKey);
    }

    [Theory]
    [InlineData("０００００１８５９１７０８１０６３３８０１１１４５３０８")]
    [InlineData("0000-0185-9170-8106-3380-1114-5308")]
    [InlineData(" 0000 0185\u30009170 8106\n3380 1114 5308 ")]
    public void Digits_TypedFullWidthOrWithDashes_AreRead(string typed)
    {
        Assert.True(Codename.TryParse(typed, out var codename, out var problem), problem?.ToString());
        Assert.Equal(KnownDigits, codename!.ToString());
    }

    [Fact]
    public void EveryWrongDigit_IsCaught()
    {
        var digits = KnownDigits.Replace(" ", "");
        for (var i = 0; i < digits.Length; i++)
        {
            var typo = digits[..i] + (char)('0' + (digits[i] - '0' + 1) % 10) + digits[(i + 1)..];
            Assert.False(Codename.TryParse(typo, out _, out var problem), typo);
            // Refused; a swap of two groups that happens to pass the check may be suggested (about 6 in 1000).
            Assert.Contains(problem!.Kind, new[] { CodenameProblemKind.ChecksumMismatch, CodenameProblemKind.WrongOrder });
        }
    }

    [Theory]
    [InlineData("0000 0185 9170 8106 3380 1114")]
    [InlineData("0000 0185 9170 8106 3380 1114 5308 1")]
    public void WrongNumberOfDigits_IsSaidSo(string typed)
    {
        Assert.False(Codename.TryParse(typed, out _, out var problem));
        Assert.Equal(CodenameProblemKind.WrongDigitCount, problem!.Kind);
    }

    [Fact]
    public void SwappedDigitGroups_AreReportedAsTheWrongOrder()
    {
        Assert.False(Codename.TryParse("0000 0185 9170 3380 8106 1114 5308", out _, out var problem));
        Assert.Equal(new CodenameProblem(CodenameProblemKind.WrongOrder, 4, null), problem);
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void SwappedWords_AreReportedAsTheWrongOrder(string language)
    {
        var words = Codename.FromRandom(Wordlist.ForLanguage(language), KnownBits).ToString().Split(' ');
        (words[4], words[5]) = (words[5], words[4]);

        Assert.False(Codename.TryParse(string.Join(' ', words), out _, out var problem));
        Assert.Equal(CodenameProblemKind.WrongOrder, problem!.Kind);
        Assert.Equal(5, problem.Position);
    }
}
