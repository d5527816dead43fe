using Reporting.Client.Tests.Infrastructure;
using Reporting.Format.Codenames;
using Xunit;

namespace Reporting.Client.Tests;

/// <summary>The guided mode as a person meets it: a real pseudo-terminal, one question at a time, in each language.
/// What was typed is never lost: a file that cannot go is left out, any answer can be changed at the summary, and
/// the codename leaves no trace on the screen.</summary>
public sealed class GuidedTests
{
    const string EnterAlternateScreen = "\x1b[?1049h";
    const string LeaveAlternateScreen = "\x1b[?1049l";

    /// <summary>A file that is not a photo, larger than the server takes: refused before sealing, the report kept.</summary>
    static string LargeFile(SourceMachine source)
    {
        var path = source.Files["large.bin"];
        var bytes = new byte[2 << 20];
        Random.Shared.NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    static readonly Dictionary<string, string?> OneMebibyte = new() { ["Reporting:MaxEnvelopeBytes"] = (1 << 20).ToString() };

    [Fact]
    public void GuidedSubmit_InKorean_FullWidthDigitsAndIdeographicStop_KeepTheReportPastARefusedFile()
    {
        using var server = ServerFixture.Start(settings: OneMebibyte);
        using var source = new SourceMachine();
        source.Init(server, null, "--language", "ko");
        var canary = source.Canary();

        int exit;
        string screen;
        using (var pty = new Pty("report", ["--home", source.Home, "submit"]))
        {
            pty.Expect("이제 제보를 씁니다.");
            pty.Expect("답장을 받아 읽을 수 있게 하겠습니까?");
            pty.Expect("Enter를 누르세요:");
            pty.SendLine("１");                                   // full-width one: words
            pty.Expect("무엇에 관한 제보입니까?");
            pty.Expect("Enter를 누르세요:");
            pty.SendLine("９");
            pty.Expect("1부터 6까지의 번호를 입력하세요.");
            pty.SendLine("질병");                                  // by name
            pty.Expect("장소 (건너뛰려면 Enter):");
            pty.SendLine("량강도");
            pty.Expect("연도 (예: 2023, 잘 모르면 Enter):");
            pty.SendLine("２０２３년 ２월");
            pty.Expect("하나만 있는 줄을 입력하세요.");
            pty.SendLine("병원에서 치료를 거부당했습니다.");
            pty.SendLine(canary);
            pty.SendLine("。");
            pty.Expect("파일 (없으면 Enter):");
            pty.SendLine(LargeFile(source));
            pty.Expect("(예/아니요)");
            pty.SendLine("네");
            pty.Expect("서버는 1,024KB까지만 받습니다");
            pty.Expect("이 파일은 빼고, 나머지 제보 내용은 그대로 둡니다.");
            pty.Expect("파일 (없으면 Enter):");
            pty.SendLine("");
            pty.Expect("제보 내용을 확인하세요:");
            pty.Expect("5) 첨부: 없음");
            pty.Expect("제보를 버리려면 아니요(n)를 입력하세요:");
            source.AssertNoPlaintext();
            pty.SendLine("예");
            pty.Expect("다 적었으면 Enter를 누르세요.");
            pty.SendLine("");
            pty.Expect("암호명을 화면에서 지웠습니다.");
            exit = pty.WaitForExit();
            screen = pty.Screen;
        }

        Assert.True(exit == 0, screen);
        source.AssertNoPlaintext();
        var report = OnlyReport(server);
        Assert.Equal("illness", report.Document.GetProperty("category").GetString());
        Assert.Equal("량강도", report.Document.GetProperty("region").GetString());
        Assert.Equal("2023-02", report.Document.GetProperty("when").GetString());
        Assert.Equal("ko", report.Document.GetProperty("language").GetString());
        Assert.Equal($"병원에서 치료를 거부당했습니다.\n{canary}", report.Text);
        Assert.Empty(report.Attachments);

        var codename = CodenameOnTheClearedScreen(screen);
        Assert.True(Codename.TryParse(codename, out var parsed, out var problem), problem?.ToString());
        Assert.Equal("ko", parsed!.Wordlist!.Language);
    }

    [Fact]
    public void GuidedSubmit_InChinese_AnswerChangedAtTheSummary_IsWhatIsSealed()
    {
        using var server = ServerFixture.Start();
        using var source = new SourceMachine();
        source.Init(server, null, "--language", "zh");

        int exit;
        string screen;
        using (var pty = new Pty("report", ["--home", source.Home, "submit"]))
        {
            pty.Expect("你想以后能看到回复吗？");
            pty.Expect("然后按回车：");
            pty.SendLine("2");                                    // a codename of digits
            pty.Expect("这份报告是关于什么的？");
            pty.SendLine("逮捕");
            pty.Expect("地点（跳过请按回车）：");
            pty.SendLine("吉林省");
            pty.Expect("年份（例如 2023；不确定就按回车）：");
            pty.SendLine("2023年2月");
            pty.Expect("的一行。");
            pty.SendLine("我的邻居在延吉被抓走了。");
            pty.SendLine("");
            pty.SendLine("");                                     // an empty line twice ends the text
            pty.Expect("文件（没有就按回车）：");
            pty.SendLine("");
            pty.Expect("请检查你的报告：");
            pty.Expect("丢弃这份报告：");
            pty.SendLine("２");                                   // change the place
            pty.Expect("地点（跳过请按回车）：");
            pty.SendLine("吉林省延边州");
            pty.Expect("吉林省延边州");
            pty.Expect("丢弃这份报告：");
            pty.SendLine("3");                                    // and the time, now not sure of the month
            pty.Expect("年份（例如 2023；不确定就按回车）：");
            pty.SendLine("２０２２");
            pty.Expect("月份（1 到 12；不确定就按回车）：");
            pty.SendLine("");
            pty.Expect("丢弃这份报告：");
            pty.SendLine("是");
            pty.Expect("写好以后按回车，屏幕就会被清除。");
            pty.SendLine("");
            pty.Expect("代号已从屏幕上清除。");
            exit = pty.WaitForExit();
            screen = pty.Screen;
        }

        Assert.True(exit == 0, screen);
        var report = OnlyReport(server);
        Assert.Equal("arrest", report.Document.GetProperty("category").GetString());
        Assert.Equal("吉林省延边州", report.Document.GetProperty("region").GetString());
        Assert.Equal("2022", report.Document.GetProperty("when").GetString());
        Assert.Equal("我的邻居在延吉被抓走了。", report.Text);

        var codename = CodenameOnTheClearedScreen(screen);
        Assert.Matches(@"^\d{4}( +\d{4}){6}$", codename);
        Assert.True(Codename.TryParse(codename, out var parsed, out var problem), problem?.ToString());
        Assert.Null(parsed!.Wordlist);
    }

    [Fact]
    public void GuidedSubmit_InEnglish_RefusedFileThenNo_AsksBeforeThrowingAway_AndKeepsNothing()
    {
        using var server = ServerFixture.Start(settings: OneMebibyte);
        using var source = new SourceMachine();
        source.Init(server, null, "--roster", server.RosterFile);
        var (text, _) = source.TextFile();

        int exit;
        using (var pty = new Pty("report", ["--home", source.Home, "submit", "--category", "other", "--text-file", text, "--region", "Yanbian", "--when", "2024", "--no-reply"]))
        {
            pty.Expect("File (or Enter for none):");
            pty.SendLine(source.Files["no-such-file.jpg"]);
            pty.Expect("there is no file");
            pty.SendLine(LargeFile(source));
            pty.Expect("(y/n)");
            pty.SendLine("y");
            pty.Expect("the server takes at most 1,024 KB");
            pty.Expect("This file is left out; the rest of your report is kept.");
            pty.Expect("File (or Enter for none):");
            pty.SendLine("");
            pty.Expect("Please check your report:");
            pty.Expect("or n to throw the report away:");
            pty.SendLine("n");
            pty.Expect("Throw this report away? Nothing of it will be kept. (y/n)");
            pty.SendLine("n");                                    // not yet: back to the summary
            pty.Expect("Please check your report:");
            pty.Expect("or n to throw the report away:");
            pty.SendLine("n");
            pty.Expect("(y/n)");
            pty.SendLine("y");
            pty.Expect("cancelled; nothing was saved or sent");
            exit = pty.WaitForExit();
        }

        Assert.Equal(1, exit);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(source.Home, "outbox")));
        using var api = server.ReviewerApi();
        Assert.Empty(api.List());
    }

    [Fact]
    public void CtrlC_WhileWriting_AsksFirst_ThenSaysNothingWasSaved()
    {
        using var server = ServerFixture.Start();
        using var source = new SourceMachine();
        source.Init(server, null, "--roster", server.RosterFile);
        var canary = source.Canary();

        using var pty = new Pty("report", ["--home", source.Home, "submit", "--no-reply", "--category", "other", "--region", "", "--when", ""]);
        pty.Expect("press Enter twice");
        pty.SendLine(canary);
        pty.SendControlC();
        pty.Expect("Press Ctrl-C again within 10 seconds to throw this report away");
        pty.SendControlC();
        pty.Expect("cancelled; nothing was saved or sent");
        pty.WaitForExit();

        source.AssertNoPlaintext();
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(source.Home, "outbox")));
    }

    [Fact]
    public void Replies_AskForTheCodenameWithAMarkPerCharacter_ShowTheAnswer_AndDeleteIt()
    {
        using var server = ServerFixture.Start();
        using var source = new SourceMachine();
        source.Init(server, null, "--language", "zh");
        var (text, _) = source.TextFile();
        var submitted = source.Report("submit", "--category", "needs-help", "--text-file", text, "--yes");
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        var codename = SourceMachine.CodenameOf(submitted)!;
        using var api = server.ReviewerApi();
        var reply = StockAge.OpenReport(api.Fetch(SourceMachine.IdOf(submitted)!), server.Reviewers[0]).Document.GetProperty("reply");
        var answer = Canary.New("answer") + " 我们收到了你的报告";
        api.PostReply(reply.GetProperty("mailbox").GetString()!, StockAge.Seal(System.Text.Encoding.UTF8.GetBytes(answer), [reply.GetProperty("recipient").GetString()!]));

        int exit;
        string screen;
        using (var pty = new Pty("report", ["--home", source.Home, "replies", "--delete"]))
        {
            pty.Expect("请确保没有人能看到你的屏幕。");
            pty.Expect("代号：");
            // A character short: said so, and asked again.
            pty.SendLine(codename.Replace(" ", "")[1..]);
            pty.Expect("代号由 8 个字组成");
            pty.Expect("请再输入一次（还可以试 2 次）。");
            // Chinese codenames may be typed without spaces.
            pty.SendLine(codename.Replace(" ", ""));
            pty.Expect(answer);
            pty.Expect("已从服务器删除 1 条回复");
            exit = pty.WaitForExit();
            screen = pty.Screen;
        }

        Assert.Equal(0, exit);
        Assert.Contains(new string('*', 8), screen);
        Assert.DoesNotContain(codename.Replace(" ", ""), screen);
        Canary.AssertAbsent(source.Home, answer, codename);
        var file = source.Files["codename.txt"];
        File.WriteAllText(file, codename);
        var again = source.Report("replies", "--codename-file", file);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.DoesNotContain(answer, again.Stdout);
    }

    [Fact]
    public void Submit_WithoutTerminalAndWithFieldsMissing_SaysWhatIsMissing()
    {
        using var server = ServerFixture.Start();
        using var source = new SourceMachine();
        source.Init(server);

        var result = source.Report("submit", "--category", "other");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("report: error: the report needs at least a category and a text", result.Stderr);
        Assert.Contains("report: hint:", result.Stderr);
    }

    static OpenedReport OnlyReport(ServerFixture server)
    {
        using var api = server.ReviewerApi();
        var stored = Assert.Single(api.List());
        return StockAge.OpenReport(api.Fetch(stored.Id), server.Reviewers[0]);
    }

    /// <summary>The codename as shown on the alternate screen; asserts that the screen was cleared and left, and that
    /// nothing after it (what stays in the scrollback) holds the codename.</summary>
    static string CodenameOnTheClearedScreen(string screen)
    {
        var start = screen.IndexOf(EnterAlternateScreen, StringComparison.Ordinal);
        var end = screen.IndexOf("\x1b[2J\x1b[3J\x1b[H" + LeaveAlternateScreen, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, screen);
        var shown = screen[start..end].Replace("\r", "").Split('\n')
            .Where(l => l.StartsWith("    ", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
        Assert.InRange(shown.Count, 1, 2);
        var codename = System.Text.RegularExpressions.Regex.Replace(string.Join(' ', shown), " +", " ");
        var before = screen[..start];
        var after = screen[end..];
        foreach (var part in codename.Split(' ').Where(p => p.Length >= 4))
        {
            Assert.DoesNotContain(part, after);
            Assert.DoesNotContain(part, before);
        }
        Assert.DoesNotContain(codename, after);
        return codename;
    }
}
