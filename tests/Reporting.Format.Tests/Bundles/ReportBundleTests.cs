using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Reporting.Format.Bundles;
using Xunit;

namespace Reporting.Format.Tests.Bundles;

public sealed class ReportBundleTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("bundle-test-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static readonly ReportDocument Sample = new()
    {
        Category = "illness",
        Region = "Jilin province",
        When = "2023-02",
        Language = "en",
        Text = "A fever for ten days, no clinic would see me.",
        Reply = new ReplyAddress("age1example", "reportmailbox1example"),
    };

    static AttachmentSource Attachment(string name, byte[] content, string mediaType = "application/octet-stream") =>
        new(name, mediaType, Scrubbed: false, () => new MemoryStream(content, writable: false));

    static byte[] WriteToBytes(ReportDocument document, params AttachmentSource[] attachments)
    {
        using var sink = new MemoryStream();
        ReportBundle.Write(sink, document, attachments);
        return sink.ToArray();
    }

    /// <summary>Walks the raw 512-byte headers of an archive (up to the end block) and its end offset.</summary>
    static (List<byte[]> Headers, long ArchiveEnd) RawHeaders(byte[] bundle)
    {
        var headers = new List<byte[]>();
        var offset = 0;
        while (true)
        {
            var block = bundle.AsSpan(offset, 512);
            if (!block.ContainsAnyExcept((byte)0))
                return (headers, offset + 1024); // two zero blocks end a tar written by TarWriter
            headers.Add(block.ToArray());
            var size = Convert.ToInt64(Encoding.ASCII.GetString(block.Slice(124, 11)), 8);
            offset += 512 + (int)((size + 511) / 512 * 512);
        }
    }

    [Fact]
    public void Write_HeadersCarryNoTimeUserOrHost()
    {
        var bundle = WriteToBytes(Sample, Attachment("photo.jpg", new byte[3000]), Attachment("note.txt", "hello"u8.ToArray()));

        var (headers, _) = RawHeaders(bundle);
        Assert.Equal(3, headers.Count);
        foreach (var header in headers)
        {
            Assert.Equal((byte)'0', header[156]);                                   // regular file: no pax 'x'/'g', no GNU 'L'
            Assert.Equal("0000644", Encoding.ASCII.GetString(header, 100, 7));    // mode
            Assert.Equal("0000000", Encoding.ASCII.GetString(header, 108, 7));    // uid
            Assert.Equal("0000000", Encoding.ASCII.GetString(header, 116, 7));    // gid
            Assert.Equal("00000000000", Encoding.ASCII.GetString(header, 136, 11)); // mtime: the Unix epoch
            Assert.All(header[265..329], b => Assert.Equal(0, b));                 // uname, gname empty
            Assert.All(header[329..345], b => Assert.True(b is 0 or (byte)'0'));   // no device numbers
            Assert.All(header[157..257], b => Assert.Equal(0, b));                 // no link name
            Assert.Equal("ustar\0" + "00", Encoding.ASCII.GetString(header, 257, 8));
        }
        Assert.DoesNotContain(Environment.MachineName, Encoding.Latin1.GetString(bundle), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ReportJsonComesFirst_ThenAttachments_InCamelCase()
    {
        var bundle = WriteToBytes(Sample, Attachment("photo.jpg", [1, 2, 3], "image/jpeg"));

        using var reader = new TarReader(new MemoryStream(bundle));
        var first = reader.GetNextEntry()!;
        Assert.Equal("report.json", first.Name);
        using var json = JsonDocument.Parse(first.DataStream!);
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("schema").GetInt32());
        Assert.Equal("illness", root.GetProperty("category").GetString());
        Assert.Equal("age1example", root.GetProperty("reply").GetProperty("recipient").GetString());
        var attachment = root.GetProperty("attachments")[0];
        Assert.Equal("photo.jpg", attachment.GetProperty("name").GetString());
        Assert.Equal(3, attachment.GetProperty("size").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(new byte[] { 1, 2, 3 })), attachment.GetProperty("sha256").GetString());
        Assert.Equal("image/jpeg", attachment.GetProperty("mediaType").GetString());
        Assert.Equal("attachments/photo.jpg", reader.GetNextEntry()!.Name);
        Assert.Null(reader.GetNextEntry());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(70_000)]
    [InlineData(1_000_000)]
    public void Write_PadsTheArchiveWithZerosToItsPadmeLength(int attachmentSize)
    {
        var attachments = attachmentSize == 0 ? [] : new[] { Attachment("data.bin", RandomNumberGenerator.GetBytes(attachmentSize)) };
        var bundle = WriteToBytes(Sample, attachments);

        var (_, archiveEnd) = RawHeaders(bundle);
        Assert.Equal(Padme.PaddedLength(archiveEnd), bundle.Length);
        Assert.False(bundle.AsSpan((int)archiveEnd).ContainsAnyExcept((byte)0));
    }

    [Fact]
    public void Write_ReturnsTheDocumentAsWritten_WithSafeDistinctNames()
    {
        using var sink = new MemoryStream();
        var written = ReportBundle.Write(sink, Sample, [
            Attachment("../../etc/passwd", [1]),
            Attachment("\u202Egpj.exe", [2]),
            Attachment("Photo.jpg", [3]),
            Attachment("photo.jpg", [4]),
        ]);

        Assert.Equal(["_.._etc_passwd", "_gpj.exe", "Photo.jpg", "photo (2).jpg"], written.Attachments.Select(a => a.Name));
        Assert.Equal(1, written.Attachments[0].Size);
    }

    [Fact]
    public void Write_AttachmentChangedBetweenHashAndCopy_Throws()
    {
        var calls = 0;
        var changing = new AttachmentSource("a.bin", "application/octet-stream", false,
            () => new MemoryStream(new byte[] { (byte)++calls, 0, 0 }));

        Assert.Throws<IOException>(() => WriteToBytes(Sample, changing));
    }

    [Fact]
    public void Write_UnknownCategory_IsRefused() =>
        Assert.Throws<ArgumentException>(() => WriteToBytes(Sample with { Category = "gossip" }));

    public static IEnumerable<object[]> SeedNames() => SeedReports.All.Select(s => new object[] { s.File });

    [Theory]
    [MemberData(nameof(SeedNames))]
    public void WriteThenRead_EverySeed_RoundTrips(string file)
    {
        var seed = SeedReports.All.Single(s => s.File == file);
        var document = SeedReports.Document(seed);
        var photo = RandomNumberGenerator.GetBytes(5000);
        var bundle = WriteToBytes(document, Attachment("사진 1.jpg", photo, "image/jpeg"));

        var opened = ReportBundle.Read(new MemoryStream(bundle), Path.Combine(folder, "attachments"), new BundleLimits());

        Assert.Empty(opened.Warnings);
        Assert.Equal(document.Text, opened.Document.Text);
        Assert.Equal(document with { Attachments = opened.Document.Attachments }, opened.Document);
        var path = Assert.Single(opened.AttachmentPaths);
        Assert.Equal(Path.Combine(folder, "attachments", "사진 1.jpg"), path);
        Assert.Equal(photo, File.ReadAllBytes(path));
    }

    [Fact]
    public void Write_SystemTarReadsTheBundle()
    {
        var bundle = WriteToBytes(Sample, Attachment("note.txt", "hello"u8.ToArray()));
        var tarFile = Path.Combine(folder, "bundle.tar");
        File.WriteAllBytes(tarFile, bundle);

        var tar = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("tar", ["-tvf", tarFile]) { RedirectStandardOutput = true })!;
        var listing = tar.StandardOutput.ReadToEnd();
        tar.WaitForExit();

        Assert.Equal(0, tar.ExitCode);
        Assert.Contains("report.json", listing);
        Assert.Contains("attachments/note.txt", listing);
        Assert.Contains("1970-01-01", listing);
    }
}
