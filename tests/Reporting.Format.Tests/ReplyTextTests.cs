using System.Text;
using Reporting.Format.Bundles;
using Reporting.Format.Replies;
using Xunit;

namespace Reporting.Format.Tests;

public class ReplyTextTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(5000)]
    [InlineData(ReplyText.MaxBytes)]
    public void Pad_ReachesThePadmeLength_AndReadGivesTheTextBack(int length)
    {
        var text = new string('a', length - 1) + "z";

        var padded = ReplyText.Pad(Encoding.UTF8.GetBytes(text));

        Assert.Equal(Padme.PaddedLength(length), padded.Length);
        Assert.Equal(text, ReplyText.Read(padded));
    }

    [Fact]
    public void Read_ShowsEscapesAndBidiOverrides_KeepsLinesAndKorean()
    {
        var hostile = "안녕하세요\nline two\u001b[2Jcleared\u202Eevil";

        var shown = ReplyText.Read(ReplyText.Pad(Encoding.UTF8.GetBytes(hostile)));

        Assert.Equal("안녕하세요\nline two\\u{1B}[2Jcleared\\u{202E}evil", shown);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(ReplyText.MaxBytes + 1)]
    public void Pad_RefusesEmptyOrOversizedAnswers(int length)
    {
        Assert.Throws<ArgumentException>(() => ReplyText.Pad(new byte[length]));
    }
}
