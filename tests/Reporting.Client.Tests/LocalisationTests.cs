using Reporting.Report.Text;
using Xunit;

namespace Reporting.Client.Tests;

/// <summary>Every sentence the tool says exists in Korean and Chinese, with the same placeholders.</summary>
public sealed class LocalisationTests
{
    public static TheoryData<string> Languages => ["ko", "zh"];

    [Theory]
    [MemberData(nameof(Languages))]
    public void EveryText_IsTranslated_WithTheSamePlaceholders(string language)
    {
        var keys = UiText.Keys();
        Assert.True(keys.Count > 100);
        foreach (var key in keys)
        {
            var english = UiText.GetExact(key, "en") ?? UiText.Get(key);
            var translated = UiText.GetExact(key, language);
            Assert.False(string.IsNullOrWhiteSpace(translated), $"{key} has no {language} text");
            Assert.Equal(Placeholders(english), Placeholders(translated!));
        }
    }

    [Theory]
    [InlineData("ko-KR", "ko")]
    [InlineData("zh-CN", "zh")]
    [InlineData("zh-Hans", "zh")]
    [InlineData("en-GB", "en")]
    [InlineData("fr-FR", null)]
    public void LanguageNames_AreNormalised(string name, string? expected) => Assert.Equal(expected, UiText.Normalise(name));

    [Fact]
    public void LanguageOption_WinsOverConfiguration() => Assert.Equal("ko", UiText.Choose("ko", "zh"));

    static string[] Placeholders(string text) =>
        [.. System.Text.RegularExpressions.Regex.Matches(text, @"\{\d+\}").Select(m => m.Value).Order()];
}
