using System.Text.Json;
using Reporting.Format.Bundles;
using Reporting.Review.Places;
using Xunit;

namespace Reporting.Client.Tests.Decrypt;

/// <summary>The index a reviewer counts with: one place and one month however a source wrote them, the full
/// export, and triage statuses that survive decrypting again. Run through the real built tool.</summary>
public sealed class IndexTests : IDisposable
{
    readonly OfflineMachine machine = new();

    public void Dispose() => machine.Dispose();

    static ReportDocument Report(string language, string category, string region, string when, string text) =>
        new() { Category = category, Region = region, When = when, Language = language, Text = text };

    /// <summary>Reports in English, Korean (both Koreas' spellings) and Chinese about one province and one
    /// prefecture in it, in February 2023 written six ways, and two that name no place or month the tool knows.</summary>
    void PutThreeLanguages()
    {
        machine.Put("r01", Report("en", "illness", "Jilin province", "2023-02", "Fever in the village, no clinic will see us."));
        machine.Put("r02", Report("ko", "illness", "길림성", "2023년 2월", "열이 나는데 병원에 갈 수 없습니다."));
        machine.Put("r03", Report("ko", "arrest", "지린성", "２０２３年２月", "남편이 잡혀갔습니다."));
        machine.Put("r04", Report("zh", "arrest", "吉林省", "2023年2月", "我的丈夫被抓走了。"));
        machine.Put("r05", Report("en", "death", "Yanbian", "February 2023", "He died after a week of fever."));
        machine.Put("r06", Report("ko", "death", "연변 조선족자치주", "2023.2", "열병으로 돌아가셨습니다."));
        machine.Put("r07", Report("zh", "needs-help", "延边朝鲜族自治州", "2023/02", "我们需要帮助。"));
        machine.Put("r08", Report("en", "other", "somewhere by the river", "last winter", "Unclear."));
        machine.Put("r09", Report("ko", "other", "함경북도 회령", "작년 겨울", "잘 모르겠습니다."));
    }

    [Fact]
    public void OnePlaceAndOneMonth_AcrossScriptsAndSpellings_InTheCsvAndTheIndexCounts()
    {
        PutThreeLanguages();

        var result = machine.Decrypt("--language", "en");

        Assert.True(result.ExitCode == 0, result.ToString());
        var (_, rows) = CsvFile.Read(Path.Combine(machine.Output, "index.csv"));
        var byId = rows.ToDictionary(r => r["id"]);
        foreach (var id in new[] { "r01", "r02", "r03", "r04" })
            Assert.Equal(("cn-jilin", "2023-02"), (byId[id]["region_key"], byId[id]["month"]));
        foreach (var id in new[] { "r05", "r06", "r07" })
            Assert.Equal(("cn-jilin-yanbian", "2023-02"), (byId[id]["region_key"], byId[id]["month"]));
        Assert.Equal("지린성", byId["r03"]["region_as_written"]);
        Assert.Equal("２０２３年２月", byId["r03"]["when_as_written"]);
        Assert.Equal(("", ""), (byId["r08"]["region_key"], byId["r08"]["month"]));
        Assert.Equal("somewhere by the river", byId["r08"]["region_as_written"]);
        Assert.Equal(("kp-north-hamgyong", ""), (byId["r09"]["region_key"], byId["r09"]["month"]));

        var html = File.ReadAllText(Path.Combine(machine.Output, "index.html"));
        // Jilin counts its own four and Yanbian's three; Yanbian is listed below it with three.
        Assert.Contains("<tr><td>Jilin</td><td class=\"n\">7</td></tr>", html);
        Assert.Contains("<tr><td><span class=\"sub\">↳ Yanbian</span></td><td class=\"n\">3</td></tr>", html);
        Assert.Contains("<tr><td>somewhere by the river <span class=\"written\">(as written: not in the gazetteer)</span></td><td class=\"n\">1</td></tr>", html);
        // The month table: one column for February 2023 holding seven reports, two unknown.
        Assert.Contains("<th class=\"n\">2023-02</th><th class=\"n\">unknown</th>", html);
        Assert.Contains("<tr><th>Total</th><th class=\"n\">7</th><th class=\"n\">2</th><th class=\"n\">9</th></tr>", html);
        Assert.Contains("<title>2023-02 · illness: 2</title>", html);
    }

    [Fact]
    public void Export_HasEveryFieldInFull_InCsvAndJsonLines_AndDefusesFormulas()
    {
        var text = string.Concat(Enumerable.Repeat("A long account that an excerpt would cut. ", 12)) + "\nSecond line, and the end: 끝.";
        machine.Put("long", Report("en", "illness", "Dandong", "2023-03", text),
            new AttachmentSource("photo.jpg", "image/jpeg", true, () => new MemoryStream(new byte[1234])));
        machine.Put("formula", Report("en", "other", "=1+2", "-3", "@SUM(A1:A9)"));

        Assert.Equal(0, machine.Decrypt().ExitCode);

        var (header, rows) = CsvFile.Read(Path.Combine(machine.Output, "index.csv"));
        Assert.Equal(["id", "received", "status", "note", "category", "region_as_written", "region_key", "region_name",
            "when_as_written", "month", "language", "attachments", "warnings", "reply_possible", "text"], header);
        var row = Assert.Single(rows, r => r["id"] == "long");
        Assert.Equal(text, row["text"]);
        Assert.Equal("photo.jpg (1234 bytes)", row["attachments"]);
        Assert.Equal(("cn-liaoning-dandong", "Dandong", "new"), (row["region_key"], row["region_name"], row["status"]));
        var formula = Assert.Single(rows, r => r["id"] == "formula");
        Assert.Equal(("'=1+2", "'-3", "'@SUM(A1:A9)"), (formula["region_as_written"], formula["when_as_written"], formula["text"]));

        var lines = File.ReadAllLines(Path.Combine(machine.Output, "index.jsonl"));
        Assert.Equal(2, lines.Length);
        var json = lines.Select(l => JsonDocument.Parse(l).RootElement).Single(e => e.GetProperty("id").GetString() == "long");
        Assert.Equal(text, json.GetProperty("text").GetString());
        Assert.Equal("cn-liaoning-dandong", json.GetProperty("regionKey").GetString());
        Assert.Equal(1234, json.GetProperty("attachments")[0].GetProperty("size").GetInt64());
    }

    [Fact]
    public void Mark_StatusAndNote_SurviveASecondDecrypt_AndSpamLeavesTheDefaultViews()
    {
        PutThreeLanguages();
        Assert.Equal(0, machine.Decrypt("--language", "en").ExitCode);

        var followUp = machine.Mark("r04", "follow-up", "--note", "call the helper in Yanji");
        var spam = machine.Mark("r08", "spam", "--language", "en");
        machine.Put("r10", Report("en", "arrest", "Liaoning", "2023-03", "Arrested near Dandong."));
        var again = machine.Decrypt("--language", "en");

        Assert.True(followUp.ExitCode == 0, followUp.ToString());
        Assert.True(spam.ExitCode == 0, spam.ToString());
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("1 decrypted, 9 already there", again.Stdout);
        var (_, rows) = CsvFile.Read(Path.Combine(machine.Output, "index.csv"));
        var byId = rows.ToDictionary(r => r["id"]);
        Assert.Equal(("follow-up", "call the helper in Yanji"), (byId["r04"]["status"], byId["r04"]["note"]));
        Assert.Equal("spam", byId["r08"]["status"]);
        Assert.Equal("new", byId["r10"]["status"]);

        var html = File.ReadAllText(Path.Combine(machine.Output, "index.html"));
        var spamSection = html.IndexOf("<h2 id=\"spam\">", StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"r08/report.html\"", html[..spamSection]);
        Assert.Contains("href=\"r08/report.html\"", html[spamSection..]);
        Assert.Contains("<h1>Decrypted reports (9)</h1>", html);
        Assert.Contains("<span class=\"status-follow-up\">follow up</span>", html);
        Assert.Contains("call the helper in Yanji", File.ReadAllText(Path.Combine(machine.Output, "r04", "report.html")));
    }

    [Fact]
    public void ReceivedDays_FromTheManifest_AreKept_ThroughALaterDecryptAndAMark()
    {
        machine.Put("r01", Report("en", "illness", "Jilin", "2023-02", "carried in by hand first"));
        Assert.Equal(0, machine.Decrypt().ExitCode);
        machine.WriteManifest(new DateOnly(2026, 11, 30));

        Assert.Equal(0, machine.Decrypt().ExitCode);
        Assert.Equal(0, machine.Mark("r01", "read").ExitCode);

        var (_, rows) = CsvFile.Read(Path.Combine(machine.Output, "index.csv"));
        Assert.Equal(("2026-11-30", "read"), (rows[0]["received"], rows[0]["status"]));
        Assert.Contains("<tr><td>2026-11-30</td><td class=\"n\">1</td></tr>", File.ReadAllText(Path.Combine(machine.Output, "index.html")));
    }

    [Theory]
    [InlineData("../seed-01")]
    [InlineData("no-such-report")]
    [InlineData(".partial-0")]
    public void Mark_SomethingThatIsNotAReportHere_IsRefused_AndNothingIsWritten(string id)
    {
        machine.Put("r01", Report("en", "illness", "Jilin", "2023-02", "text"));
        Assert.Equal(0, machine.Decrypt().ExitCode);

        var result = machine.Mark(id, "read");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("review: error: there is no report", result.Stderr);
        Assert.False(File.Exists(Path.Combine(machine.Output, "triage.json")));
    }

    [Fact]
    public void Decrypt_WithAnotherReviewersIdentity_DoesNotClaimTheOthersWereDecrypted()
    {
        using var stranger = Reporting.Format.Age.X25519Identity.Generate();
        foreach (var id in new[] { "a", "b", "c" })
        {
            using var bundle = new MemoryStream();
            ReportBundle.Write(bundle, Report("en", "other", "Jilin", "2023-02", "x"), []);
            File.WriteAllBytes(Path.Combine(machine.Inbox, id + ".age"), OfflineMachine.Seal(bundle.ToArray(), stranger.Recipient));
        }

        var result = machine.Decrypt();

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("3 of 3 files could not be decrypted", result.Stderr);
        Assert.DoesNotContain("other reports were decrypted", result.Stderr);
        Assert.Contains("review: hint: no report was decrypted", result.Stderr);
        Assert.Contains("none of them was sealed to this identity", result.Stderr);
    }

    [Theory]
    [InlineData("Jilin province", "cn-jilin")]
    [InlineData("JILIN", "cn-jilin")]
    [InlineData("길림성", "cn-jilin")]
    [InlineData("지린성", "cn-jilin")]
    [InlineData("吉林省", "cn-jilin")]
    [InlineData("Yanbian Korean Autonomous Prefecture", "cn-jilin-yanbian")]
    [InlineData("연변", "cn-jilin-yanbian")]
    [InlineData("延边", "cn-jilin-yanbian")]
    [InlineData("옌볜 조선족 자치주", "cn-jilin-yanbian")]
    [InlineData("Yanji, Jilin", "cn-jilin-yanbian")]
    [InlineData("吉林省延边州", "cn-jilin-yanbian")]
    [InlineData("료녕성", "cn-liaoning")]
    [InlineData("랴오닝성", "cn-liaoning")]
    [InlineData("심양", "cn-liaoning-shenyang")]
    [InlineData("Ryanggang-do", "kp-ryanggang")]
    [InlineData("량강도", "kp-ryanggang")]
    [InlineData("양강도 혜산", "kp-ryanggang")]
    [InlineData("咸镜北道", "kp-north-hamgyong")]
    [InlineData("Ｊｉｌｉｎ", "cn-jilin")]
    public void Gazetteer_MapsWhatSourcesWrite_ToOneKey(string written, string key) =>
        Assert.Equal(key, Gazetteer.BuiltIn.Find(written)?.Key);

    [Theory]
    [InlineData("somewhere by the river")]
    [InlineData("Seoul")]
    [InlineData("")]
    [InlineData(null)]
    public void Gazetteer_LeavesWhatItDoesNotKnow(string? written) => Assert.Null(Gazetteer.BuiltIn.Find(written));

    [Theory]
    [InlineData("2023-02", "2023-02")]
    [InlineData("2023-02-14", "2023-02")]
    [InlineData("2023年2月", "2023-02")]
    [InlineData("2023년 2월", "2023-02")]
    [InlineData("２０２３年２月", "2023-02")]
    [InlineData("２０２３－０２", "2023-02")]
    [InlineData("early February 2023", "2023-02")]
    [InlineData("Feb. 2023", "2023-02")]
    [InlineData("14.02.2023", "2023-02")]
    [InlineData("2024年3月初", "2024-03")]
    [InlineData("not sure", null)]
    [InlineData("last winter", null)]
    [InlineData("작년 겨울", null)]
    [InlineData("2023-13", null)]
    [InlineData("maybe 2023", null)]
    [InlineData("", null)]
    public void Month_ParsedFromTheFormsSourcesWrite(string when, string? month) => Assert.Equal(month, ReportMonth.Parse(when));
}
