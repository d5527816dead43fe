using System.Text;
using Reporting.Format.Bundles;
using Xunit;

namespace Reporting.Format.Tests.Bundles;

/// <summary>Bundles crafted to attack the reviewer (D12): read into <c>work/out/attachments</c>, and nothing may
/// appear anywhere else under <c>work</c>, which also holds a canary file and a directory a link could aim at.</summary>
public sealed class HostileBundleTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("hostile-bundle-").FullName;
    string Output => Path.Combine(work, "out", "attachments");

    public HostileBundleTests()
    {
        Directory.CreateDirectory(Path.Combine(work, "elsewhere"));
        File.WriteAllText(Path.Combine(work, "canary.txt"), "untouched");
    }

    public void Dispose() => Directory.Delete(work, recursive: true);

    OpenedBundle Read(byte[] bundle, BundleLimits? limits = null) =>
        ReportBundle.Read(new MemoryStream(bundle), Output, limits ?? new BundleLimits());

    /// <summary>Every file and link under the work folder, outside the output folder.</summary>
    string[] WrittenOutside() => Directory.EnumerateFileSystemEntries(work, "*", SearchOption.AllDirectories)
        .Where(p => !p.StartsWith(Output + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        .Select(p => Path.GetRelativePath(work, p))
        .Where(p => p is not ("canary.txt" or "elsewhere" or "out" or "out/attachments"))
        .ToArray();

    string[] Attachments() => Directory.Exists(Output)
        ? Directory.GetFileSystemEntries(Output).Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal).ToArray()
        : [];

    static RawTar Bundle() => new RawTar().File("report.json", RawTar.ReportJson());

    [Fact]
    public void Read_DotDotAndAbsoluteNames_AreSkipped_AndNothingLandsOutside()
    {
        var bundle = Bundle()
            .File("../canary.txt", "overwritten")
            .File("attachments/../../canary.txt", "overwritten")
            .File("attachments/..", "x")
            .File("attachments/..\\..\\canary.txt", "overwritten")
            .File("/tmp/reporting-hostile-absolute", "x")
            .File(Path.Combine(work, "canary.txt"), "overwritten")
            .File("C:\\Windows\\evil.txt", "x")
            .Entry("attachments/x", data: "x"u8.ToArray(), prefix: "..")
            .File("attachments/honest.txt", "honest words")
            .Finish();

        var opened = Read(bundle);

        Assert.Equal("untouched", File.ReadAllText(Path.Combine(work, "canary.txt")));
        Assert.False(File.Exists("/tmp/reporting-hostile-absolute"));
        Assert.Empty(WrittenOutside());
        Assert.Equal(["honest.txt"], Attachments());
        Assert.Equal(8, opened.Warnings.Count(w => w.Contains(" skipped: ", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData('1', "hard link")]
    [InlineData('2', "symbolic link")]
    [InlineData('3', "character device")]
    [InlineData('4', "block device")]
    [InlineData('6', "FIFO")]
    [InlineData('5', "directory")]
    [InlineData('x', "pax extended header")]
    [InlineData('L', "GNU long name")]
    [InlineData('S', "GNU sparse file")]
    [InlineData('Z', "entry of unknown type")]
    public void Read_LinksDevicesFifosAndOtherKinds_AreSkipped_HonestAttachmentKept(char type, string kind)
    {
        var bundle = Bundle()
            .Entry("attachments/evil", type, linkName: Path.Combine(work, "canary.txt"))
            .Entry("attachments/sub/", type == '5' ? '5' : '0', data: type == '5' ? null : "nested"u8.ToArray())
            .File("attachments/honest.txt", "honest words")
            .Finish();

        var opened = Read(bundle);

        Assert.Equal(["honest.txt"], Attachments());
        Assert.Contains(opened.Warnings, w => w.StartsWith(kind + " attachments/evil skipped", StringComparison.Ordinal));
        Assert.Empty(WrittenOutside());
        Assert.Equal("untouched", File.ReadAllText(Path.Combine(work, "canary.txt")));
    }

    [Fact]
    public void Read_AttachmentsDirectoryEntry_IsAcceptedSilently()
    {
        var opened = Read(Bundle().Entry("attachments/", '5').File("attachments/a.txt", "a").Finish());

        Assert.Equal(["a.txt"], Attachments());
        Assert.Contains(opened.Warnings, w => w.Contains("not listed in report.json", StringComparison.Ordinal));
        Assert.DoesNotContain(opened.Warnings, w => w.Contains("directory", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_ExistingLinkInTheOutputFolder_IsNeverFollowed()
    {
        Directory.CreateDirectory(Output);
        var target = Path.Combine(work, "elsewhere", "target.txt");
        File.CreateSymbolicLink(Path.Combine(Output, "photo.jpg"), target);

        Read(Bundle().File("attachments/photo.jpg", "content").Finish());

        Assert.False(File.Exists(target));
        Assert.Equal("content", File.ReadAllText(Path.Combine(Output, "photo (2).jpg")));
    }

    [Theory]
    [InlineData(68719476735L)] // the largest 12-digit octal size
    [InlineData(8589934591L)]  // the largest 11-digit octal size
    public void Read_HugeDeclaredSize_StopsAtOnce_WithAWarning(long declared)
    {
        var bundle = Bundle().Entry("attachments/huge.bin", declaredSize: declared, data: new byte[512]).File("attachments/after.txt", "x").Finish();

        var opened = Read(bundle, new BundleLimits { MaxTotalBytes = 1 << 20 });

        Assert.Empty(Attachments());
        Assert.Contains(opened.Warnings, w => w.Contains("beyond the limit", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_Base256SizeField_IsBoundedLikeAnyOther()
    {
        var sizeField = new byte[12];
        sizeField[0] = 0x80;
        sizeField.AsSpan(1).Fill(0xFF);
        var bundle = Bundle().Entry("x", 'x', sizeField: sizeField).Finish();

        var opened = Read(bundle);

        Assert.Contains(opened.Warnings, w => w.Contains("beyond the limit", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_OversizeAttachment_IsSkipped_TheNextOneKept()
    {
        var bundle = Bundle().Entry("attachments/big.bin", data: new byte[5000]).File("attachments/small.txt", "ok").Finish();

        var opened = Read(bundle, new BundleLimits { MaxAttachmentBytes = 1000 });

        Assert.Equal(["small.txt"], Attachments());
        Assert.Contains(opened.Warnings, w => w.Contains("big.bin skipped: 5000 bytes", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_TooManyEntries_StopsReading()
    {
        var tar = Bundle();
        for (var i = 0; i < 100; i++)
            tar.File($"attachments/{i:D3}.txt", "x");

        var opened = Read(tar.Finish(), new BundleLimits { MaxAttachments = 3 });

        Assert.Equal(["000.txt", "001.txt", "002.txt"], Attachments());
        Assert.Contains(opened.Warnings, w => w.Contains("more than 3 attachments", StringComparison.Ordinal));
        Assert.Contains(opened.Warnings, w => w.Contains("entries; the rest of the bundle was not read", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_DuplicateNames_FirstKept_CaseCollisionsRenamed()
    {
        var bundle = Bundle()
            .File("attachments/a.txt", "first")
            .File("attachments/a.txt", "second")
            .File("attachments/A.txt", "other case")
            .File("report.json", RawTar.ReportJson("a second report"))
            .Finish();

        var opened = Read(bundle);

        Assert.Equal(["A (2).txt", "a.txt"], Attachments());
        Assert.Equal("first", File.ReadAllText(Path.Combine(Output, "a.txt")));
        Assert.Equal("other case", File.ReadAllText(Path.Combine(Output, "A (2).txt")));
        Assert.Equal("honest words", opened.Document.Text);
        Assert.Equal(2, opened.Warnings.Count(w => w.Contains("a second entry with this name", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("\u001b[31mred\u001b[0m.txt", "_[31mred_[0m.txt")]
    [InlineData("\u202Etxt.exe", "_txt.exe.bin")]
    [InlineData("<img src=x onerror=alert(1)>.html", "_img src=x onerror=alert(1)_.html.bin")]
    [InlineData("...hidden", "hidden.bin")]
    [InlineData(".bashrc", "bashrc.bin")]
    [InlineData("CON.txt", "_CON.txt")]
    [InlineData("a\u0000b", "a.bin")]
    [InlineData(" . ", "attachment.bin")]
    public void Read_UnsafeNames_AreSanitised(string hostileName, string expected)
    {
        var opened = Read(Bundle().File("attachments/" + hostileName, "x").Finish());

        Assert.Equal([expected], Attachments());
        Assert.All(opened.Warnings, w => Assert.DoesNotContain(w, c => char.IsControl(c) || c == '\u202E'));
    }

    [Fact]
    public void Read_OverlongName_IsBounded()
    {
        var name = new string('가', 26) + ".jpg"; // 94 bytes with attachments/ in front: fits tar, not our bound
        Read(Bundle().File("attachments/" + name, "x").Finish());

        var saved = Assert.Single(Attachments());
        Assert.True(Encoding.UTF8.GetByteCount(saved) <= AttachmentName.MaxBytes);
        Assert.EndsWith(".jpg", saved, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_CreatedFiles_HaveNoExecuteBits()
    {
        if (OperatingSystem.IsWindows())
            return; // Unix modes only
        Read(Bundle().File("attachments/run.sh", "#!/bin/sh\nrm -rf ~\n").Finish());

        var mode = File.GetUnixFileMode(Path.Combine(Output, "run.sh.bin"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
    }

    [Fact]
    public void Read_AttachmentsThatWouldRunWhenOpened_GetAnInertEnding_AndPhotosAndTextKeepTheirs()
    {
        var opened = Read(Bundle()
            .File("attachments/page.html", "<script>alert(1)</script>")
            .File("attachments/logo.SVG", "<svg onload=alert(1)/>")
            .File("attachments/invoice.docm", "macro")
            .File("attachments/photo.JPG", "jpeg bytes")
            .File("attachments/notes.txt", "words")
            .Finish());

        Assert.Equal(["invoice.docm.bin", "logo.SVG.bin", "notes.txt", "page.html.bin", "photo.JPG"], Attachments());
        Assert.Contains(opened.Warnings, w => w == "attachment page.html saved as page.html.bin");
    }

    [Fact]
    public void Read_TruncatedAttachment_LeavesNoPartialFile()
    {
        var bundle = Bundle().Entry("attachments/cut.bin", data: new byte[4096]).Finish(endBlocks: false);

        var opened = Read(bundle[..^2000]);

        Assert.Empty(Attachments());
        Assert.Contains(opened.Warnings, w => w.Contains("ends inside", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_ZeroPaddingAfterTheArchive_IsAccepted_OtherBytesWarned()
    {
        Assert.Empty(Read(Bundle().Finish(padding: 100_000)).Warnings);

        var trailing = Bundle().Finish(padding: 100);
        trailing[^1] = 0x41;
        Assert.Contains(Read(trailing).Warnings, w => w.Contains("other than zeros", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_MissingEndMarker_IsAWarningOnly()
    {
        var opened = Read(Bundle().Finish(endBlocks: false));

        Assert.Equal("honest words", opened.Document.Text);
        Assert.Contains(opened.Warnings, w => w.Contains("no end marker", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_DamagedLaterHeader_KeepsWhatCameBefore()
    {
        var bundle = Bundle().File("attachments/a.txt", "a").Entry("attachments/b.txt", data: "b"u8.ToArray(), badChecksum: true).Finish();

        var opened = Read(bundle);

        Assert.Equal(["a.txt"], Attachments());
        Assert.Contains(opened.Warnings, w => w.Contains("damaged entry header", StringComparison.Ordinal));
    }

    public static TheoryData<string, byte[]> BadStarts() => new()
    {
        { "empty", [] },
        { "not tar", Encoding.ASCII.GetBytes(new string('A', 2048)) },
        { "attachment first", new RawTar().File("attachments/a.txt", "a").File("report.json", RawTar.ReportJson()).Finish() },
        { "symlink report.json", new RawTar().Entry("report.json", '2', linkName: "/etc/passwd").Finish() },
        { "bad checksum", new RawTar().Entry("report.json", data: Encoding.UTF8.GetBytes(RawTar.ReportJson()), badChecksum: true).Finish() },
        { "truncated report.json", new RawTar().File("report.json", RawTar.ReportJson(new string('x', 2000))).Finish(endBlocks: false)[..1500] },
        { "oversize report.json", new RawTar().File("report.json", RawTar.ReportJson(new string('x', 2 << 20))).Finish() },
        { "huge declared report.json", new RawTar().Entry("report.json", declaredSize: 8589934591L).Finish() },
    };

    [Theory]
    [MemberData(nameof(BadStarts))]
    public void Read_WithoutAValidReportJsonFirst_IsInvalidData(string why, byte[] bundle)
    {
        Assert.NotEmpty(why);
        Assert.Throws<InvalidDataException>(() => Read(bundle));
        Assert.Empty(Attachments());
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"schema\":1,\"language\":\"en\",\"text\":\"no category\"}")]
    [InlineData("{\"schema\":1,\"category\":\"illness\",\"language\":\"en\",\"text\":null}")]
    [InlineData("{\"schema\":1,\"category\":\"illness\",\"category\":\"death\",\"language\":\"en\",\"text\":\"duplicate\"}")]
    [InlineData("{\"schema\":2,\"category\":\"illness\",\"language\":\"en\",\"text\":\"future\"}")]
    [InlineData("{\"schema\":1,\"category\":7,\"language\":\"en\",\"text\":\"wrong type\"}")]
    [InlineData("{\"schema\":1,\"category\":\"illness\",\"language\":\"en\",\"text\":\"x\",\"attachments\":null}")]
    [InlineData("{\"schema\":1,\"category\":\"illness\",\"language\":\"en\",\"text\":\"x\",\"deep\":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]}")]
    [InlineData("{\"schema\":1,\"category\":\"illness\",\"language\":\"en\",\"text\":\"x\",} ")]
    [InlineData("{\"schema\":1,\"category\":\"illness\",\"language\":\"en\",\"text\":\"x\"} /* comment */")]
    [InlineData("null")]
    public void Read_InvalidReportJson_IsInvalidData(string json) =>
        Assert.Throws<InvalidDataException>(() => Read(new RawTar().File("report.json", json).Finish()));

    [Fact]
    public void Read_UnknownFieldsAndHostileText_AreKeptAsData()
    {
        var text = "<script>alert(1)</script>\u001b]0;owned\u0007\u202Eevil";
        var json = RawTar.ReportJson(text, ",\"future\":{\"nested\":[1,2,3]},\"huge\":\"" + new string('z', 100_000) + "\"");

        var opened = Read(new RawTar().File("report.json", json).Finish());

        Assert.Equal(text, opened.Document.Text);
        Assert.Empty(opened.Warnings);
    }

    [Fact]
    public void Read_UnknownCategory_IsKept_WithAWarning()
    {
        var json = RawTar.ReportJson().Replace("\"illness\"", "\"<b>gossip</b>\\u001b\"", StringComparison.Ordinal);

        var opened = Read(new RawTar().File("report.json", json).Finish());

        Assert.Equal("<b>gossip</b>\u001b", opened.Document.Category);
        Assert.Equal(["report.json has a category this tool does not know: <b>gossip</b>\\u{1B}"], opened.Warnings);
    }

    [Theory]
    [InlineData("e\u0301te\u0301.txt", "\u00E9t\u00E9.txt")]
    [InlineData("a/b\\c:d*e?f\"g<h>i|j", "a_b_c_d_e_f_g_h_i_j")]
    [InlineData("name.   ", "name")]
    public void Sanitize_MakesOneSafeSegment(string name, string expected) =>
        Assert.Equal(expected, AttachmentName.Sanitize(name));

    [Fact]
    public void Sanitize_LoneSurrogate_DoesNotThrow() =>
        Assert.Equal("_abc", AttachmentName.Sanitize(new string(['\uD800', 'a', 'b', 'c'])));

    [Fact]
    public void Read_MangledBundles_NeverCrash_NeverWriteOutside()
    {
        var honest = Bundle().File("attachments/a.txt", "a").File("attachments/b.txt", new string('b', 3000)).Finish(padding: 300);
        var random = new Random(12);
        for (var round = 0; round < 300; round++)
        {
            var mangled = (byte[])honest.Clone();
            for (var flips = random.Next(1, 8); flips > 0; flips--)
                mangled[random.Next(mangled.Length)] = (byte)random.Next(256);
            if (random.Next(4) == 0)
                mangled = mangled[..random.Next(mangled.Length)];
            try
            {
                Read(mangled, new BundleLimits { MaxTotalBytes = 1 << 16 });
            }
            catch (InvalidDataException)
            {
            }
            Assert.Empty(WrittenOutside());
            if (Directory.Exists(Output))
                Directory.Delete(Output, recursive: true);
        }
    }
}
