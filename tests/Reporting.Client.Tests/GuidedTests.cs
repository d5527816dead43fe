using Reporting.Client.Tests.Infrastructure;
using Reporting.Format.Codenames;
using Xunit;

namespace Reporting.Client.Tests;

/// <summary>The guided mode as a person meets it: a real pseudo-terminal, one question at a time, in Korean.</summary>
public sealed class GuidedTests
{
    [Fact]
    public void GuidedSubmit_InKorean_AsksEachQuestionAndSendsTheReport()
    {
        using var server = ServerFixture.Start();
        using var source = new SourceMachine();
        source.Init(server, null, "--language", "ko");
        var canary = source.Canary();

        int exit;
        string screen;
        using (var pty = new Pty("report", ["--home", source.Home, "submit"]))
        {
            pty.Expect("무엇에 관한 보고입니까?");
            pty.Expect("질병 또는 건강");
            pty.Expect("Enter를 누르세요:");
            pty.SendLine("9");
            pty.Expect("1부터 6까지의 번호를 입력하세요.");
            pty.Expect("Enter를 누르세요:");
            pty.SendLine("1");
            pty.Expect("정확한 주소");
            pty.Expect("장소 (건너뛰려면 Enter):");
            pty.SendLine("길림성");
            pty.Expect("언제 (건너뛰려면 Enter):");
            pty.SendLine("2023년 2월");
            pty.Expect("Enter를 누르세요.");
            pty.SendLine("병원에서 치료를 거부당했습니다.");
            pty.SendLine(canary);
            pty.SendLine(".");
            pty.Expect("파일 (없으면 Enter):");
            pty.SendLine("");
            pty.Expect("보고 내용을 확인하세요:");
            pty.Expect("(예/아니요)");
            source.AssertNoPlaintext();
            pty.SendLine("예");
            pty.Expect("codename:");
            exit = pty.WaitForExit();
            screen = pty.Screen;
        }

        Assert.True(exit == 0, screen);
        source.AssertNoPlaintext();
        using var api = server.ReviewerApi();
        var stored = Assert.Single(api.List());
        var report = StockAge.OpenReport(api.Fetch(stored.Id), server.Reviewers[0]);
        Assert.Equal("illness", report.Document.GetProperty("category").GetString());
        Assert.Equal("길림성", report.Document.GetProperty("region").GetString());
        Assert.Equal("2023년 2월", report.Document.GetProperty("when").GetString());
        Assert.Equal("ko", report.Document.GetProperty("language").GetString());
        Assert.Equal($"병원에서 치료를 거부당했습니다.\n{canary}", report.Text);

        // The codename is made of Korean words, shown once under its label.
        var lines = screen.Replace("\r", "").Split('\n');
        var words = lines[Array.FindIndex(lines, l => l.Trim() == "codename:") + 1].Trim();
        Assert.True(Codename.TryParse(words, out var codename, out var problem), problem?.ToString());
        Assert.Equal("ko", codename!.Wordlist!.Language);
    }

    [Fact]
    public void Replies_AskForTheCodenameOnTheTerminal_AndShowTheAnswer()
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
        using (var pty = new Pty("report", ["--home", source.Home, "replies"]))
        {
            pty.Expect("请确保没有人能看到你的屏幕。");
            pty.Expect("代号：");
            // Chinese codenames may be typed without spaces.
            pty.SendLine(codename.Replace(" ", ""));
            pty.Expect(answer);
            exit = pty.WaitForExit();
        }

        Assert.Equal(0, exit);
        Canary.AssertAbsent(source.Home, answer, codename);
    }

    [Fact]
    public void GuidedSubmit_AnsweredNo_SendsAndKeepsNothing()
    {
        using var server = ServerFixture.Start();
        using var source = new SourceMachine();
        source.Init(server, null, "--roster", server.RosterFile);
        var (text, _) = source.TextFile();

        int exit;
        using (var pty = new Pty("report", ["--home", source.Home, "submit", "--category", "other", "--text-file", text, "--region", "Yanbian", "--when", "2024", "--no-reply"]))
        {
            pty.Expect("File (or Enter for none):");
            pty.SendLine("");
            pty.Expect("Please check your report:");
            pty.Expect("(y/n)");
            pty.SendLine("n");
            exit = pty.WaitForExit();
        }

        Assert.Equal(1, exit);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(source.Home, "outbox")));
        using var api = server.ReviewerApi();
        Assert.Empty(api.List());
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
}
