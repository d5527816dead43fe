using Reporting.Report.Guided;
using Reporting.Report.Text;
using Xunit;

namespace Reporting.Client.Tests;

/// <summary>What a source types, as their keyboard and input method type it.</summary>
public sealed class AnswersTests
{
    [Theory]
    [InlineData("2023-02", 2023, 2)]
    [InlineData("2023-2", 2023, 2)]
    [InlineData("2023/02", 2023, 2)]
    [InlineData("2023.2", 2023, 2)]
    [InlineData("2023 2", 2023, 2)]
    [InlineData("2023年2月", 2023, 2)]
    [InlineData("2023 年 12 月", 2023, 12)]
    [InlineData("２０２３年２月", 2023, 2)]
    [InlineData("2023년 2월", 2023, 2)]
    [InlineData("２０２３년 ２월", 2023, 2)]
    [InlineData("２０２３－０２", 2023, 2)]
    [InlineData("2023", 2023, null)]
    [InlineData("2023年", 2023, null)]
    [InlineData("2023년", 2023, null)]
    public void YearAndMonth_AreReadAsEachLanguageWritesThem(string typed, int year, int? month)
    {
        Assert.Equal((year, month), Answers.YearMonth(typed));
    }

    [Theory]
    [InlineData("last winter")]
    [InlineData("2023-13")]
    [InlineData("2023-00")]
    [InlineData("1890")]
    [InlineData("23-02")]
    [InlineData("")]
    public void NotAYearAndMonth_IsNotGuessed(string typed) => Assert.Null(Answers.YearMonth(typed));

    [Theory]
    [InlineData(2023, 2, "2023-02")]
    [InlineData(2023, null, "2023")]
    public void When_IsStoredAsYearAndMonth(int year, int? month, string stored) => Assert.Equal(stored, Answers.When(year, month));

    [Theory]
    [InlineData("1", "illness")]
    [InlineData("１", "illness")]
    [InlineData(" ６ ", "other")]
    [InlineData("death", "death")]
    [InlineData("Death", "death")]
    [InlineData("forced-return", "forced-return")]
    [InlineData("질병", "illness")]
    [InlineData("사망", "death")]
    [InlineData("체포 또는 구금", "arrest")]
    [InlineData("강제 송환", "forced-return")]
    [InlineData("逮捕", "arrest")]
    [InlineData("死亡", "death")]
    [InlineData("遣返", "forced-return")]
    [InlineData("需要帮助", "needs-help")]
    public void Category_ByNumberOrByNameInAnyLanguage(string typed, string category)
    {
        foreach (var language in UiText.Languages)
        {
            UiText.Use(language);
            Assert.Equal(category, Answers.Category(typed));
        }
        UiText.Use("en");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("7")]
    [InlineData("gossip")]
    [InlineData("")]
    public void Category_NotOneOfThem_IsNull(string typed) => Assert.Null(Answers.Category(typed));

    [Theory]
    [InlineData("1", 1)]
    [InlineData("１２", 12)]
    [InlineData(" 3 ", 3)]
    [InlineData("三", null)]
    [InlineData("-1", null)]
    public void Number_FullWidthDigitsAreDigits(string typed, int? number) => Assert.Equal(number, Answers.Number(typed));

    [Theory]
    [InlineData("en", 1536, false, "1 KB")]
    [InlineData("en", 1536, true, "2 KB")]
    [InlineData("en", 1048577, true, "1,025 KB")]
    [InlineData("en", 1048576, false, "1,024 KB")]
    [InlineData("ko", 268435456, false, "256MB")]
    [InlineData("zh", 268435457, true, "257 MB")]
    public void Size_IsInTheUnitsPeopleKnow_RoundedTheSafeWay(string language, long bytes, bool roundUp, string shown)
    {
        UiText.Use(language);
        Assert.Equal(shown, UiText.Size(bytes, roundUp));
        UiText.Use("en");
    }
}
