using System.Diagnostics;
using System.Text.Json;
using Reporting.Client.Tests.Infrastructure;
using SkiaSharp;
using Xunit;

namespace Reporting.Client.Tests;

/// <summary>Photos arrive without metadata, as an independent reader (exiftool) sees them; other files
/// are refused unless the user accepts the risk, and then the report says they were not cleaned.</summary>
public sealed class AttachmentTests
{
    /// <summary>What exiftool writes into each photo; none of it may survive.</summary>
    static readonly string[] Tagging =
    [
        "-GPSLatitude=43.8", "-GPSLatitudeRef=N", "-GPSLongitude=126.5", "-GPSLongitudeRef=E",
        "-Make=CanaryMake", "-Model=CanaryModel", "-SerialNumber=CanarySerial", "-Artist=CanaryArtist",
        "-DateTimeOriginal=2023:02:01 10:00:00", "-XMP-dc:Creator=CanaryCreator", "-IPTC:By-line=CanaryByline",
        "-Comment=CanaryComment", "-Orientation#=6",
    ];

    static readonly string[] Revealing = ["GPS", "Make", "Model", "SerialNumber", "Artist", "DateTimeOriginal", "Creator", "By-line", "Comment", "Orientation"];

    [Fact]
    public void Photos_WithGpsAndCameraFields_ArriveWithoutAnyMetadata()
    {
        using var server = ServerFixture.Start();
        using var source = new SourceMachine();
        source.Init(server);
        var photos = new[]
        {
            Photo(source.Files, "IMG_20230201_Kim.jpg", SKEncodedImageFormat.Jpeg),
            Photo(source.Files, "screenshot.png", SKEncodedImageFormat.Png),
            Photo(source.Files, "chat.webp", SKEncodedImageFormat.Webp),
            Gif(source.Files, "sticker.gif"),
        };
        foreach (var photo in photos)
        {
            Exiftool([.. Tagging, "-overwrite_original", photo]);
            var before = Tags(photo);
            Assert.Contains(before, t => t.Key.Contains("GPS"));   // the check below can fail
            Assert.Contains(before, t => t.Value.Contains("Canary"));
        }
        var (text, _) = source.TextFile();

        var result = source.Report(["submit", "--category", "illness", "--text-file", text, "--yes", .. photos.SelectMany(p => new[] { "--attach", p })]);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var api = server.ReviewerApi();
        var report = StockAge.OpenReport(api.Fetch(SourceMachine.IdOf(result)!), server.Reviewers[0]);
        Assert.Equal(["photo-1.jpg", "photo-2.png", "photo-3.webp", "photo-4.png"], report.Attachments.Keys.Order().ToArray());
        var listed = report.Document.GetProperty("attachments").EnumerateArray().ToList();
        Assert.All(listed, a => Assert.True(a.GetProperty("scrubbed").GetBoolean()));
        // The original file names (which often carry names and dates) do not travel either.
        Assert.False(report.Plaintext.AsSpan().IndexOf("IMG_20230201_Kim"u8) >= 0);
        foreach (var (name, bytes) in report.Attachments)
        {
            var file = source.Files.Write("received/" + name, "");
            File.WriteAllBytes(file, bytes);
            var tags = Tags(file);
            Assert.DoesNotContain(tags, t => Revealing.Any(r => t.Key.Split(':')[^1].Contains(r, StringComparison.OrdinalIgnoreCase)));
            Assert.DoesNotContain(tags, t => t.Value.Contains("Canary", StringComparison.OrdinalIgnoreCase));
            Assert.False(bytes.AsSpan().IndexOf("Canary"u8) >= 0, name);
        }
        // Orientation 6 (turn 90° clockwise) was applied to the pixels: 64×48 arrives as 48×64.
        using var upright = SKBitmap.Decode(report.Attachments["photo-1.jpg"]);
        Assert.Equal((48, 64), (upright.Width, upright.Height));
    }

    [Fact]
    public void OtherFiles_AreRefusedWithTheRiskNamed_UnlessAllowed_AndThenTheReportSaysSo()
    {
        using var server = ServerFixture.Start();
        using var source = new SourceMachine();
        source.Init(server);
        var document = source.Files.Write("letter from the hospital.pdf", "%PDF-1.4 " + source.Canary("pdf"));
        var (text, _) = source.TextFile();

        var refused = source.Report("submit", "--category", "illness", "--text-file", text, "--attach", document, "--yes");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("is not a photo that can be cleaned", refused.Stderr);
        Assert.Contains("hidden information", refused.Stderr);
        Assert.Contains("--allow-unscrubbed", refused.Stderr);
        Assert.Equal("", source.Report("outbox").Stdout.Trim());
        using var api = server.ReviewerApi();
        Assert.Empty(api.List());

        var sent = source.Report("submit", "--category", "illness", "--text-file", text, "--attach", document, "--allow-unscrubbed", "--yes");

        Assert.True(sent.ExitCode == 0, sent.ToString());
        Assert.Contains("warning:", sent.Stderr);
        var report = StockAge.OpenReport(api.Fetch(SourceMachine.IdOf(sent)!), server.Reviewers[0]);
        var attachment = Assert.Single(report.Document.GetProperty("attachments").EnumerateArray());
        Assert.False(attachment.GetProperty("scrubbed").GetBoolean());
        Assert.Equal("file-1.pdf", attachment.GetProperty("name").GetString());
        Assert.Equal(File.ReadAllBytes(document), report.Attachments["file-1.pdf"]);
    }

    [Fact]
    public void DamagedPhoto_IsRefusedWithAPlainMessage()
    {
        using var server = ServerFixture.Start();
        using var source = new SourceMachine();
        source.Init(server);
        var broken = source.Files.Write("broken.jpg", "");
        File.WriteAllBytes(broken, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]);
        var (text, _) = source.TextFile();

        var result = source.Report("submit", "--category", "other", "--text-file", text, "--attach", broken, "--yes");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cannot clean the photo", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    static string Photo(TempFolder folder, string name, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(64, 48);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.SkyBlue);
            using var paint = new SKPaint { Color = SKColors.DarkRed };
            canvas.DrawRect(0, 0, 20, 48, paint);
        }
        using var data = bitmap.Encode(format, 90);
        var path = folder.Write(name, "");
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    /// <summary>A 1×1 GIF (Skia cannot write GIF).</summary>
    static string Gif(TempFolder folder, string name)
    {
        var path = folder.Write(name, "");
        File.WriteAllBytes(path, Convert.FromBase64String("R0lGODlhAQABAIAAAP8AAAAAACH5BAAAAAAALAAAAAABAAEAAAICRAEAOw=="));
        return path;
    }

    static List<KeyValuePair<string, string>> Tags(string path)
    {
        var json = Exiftool(["-j", "-a", "-G1", "-struct", path]);
        var tags = new List<KeyValuePair<string, string>>();
        foreach (var property in JsonDocument.Parse(json).RootElement[0].EnumerateObject())
            if (!property.Name.StartsWith("System:", StringComparison.Ordinal) && !property.Name.StartsWith("ExifTool:", StringComparison.Ordinal) && property.Name != "SourceFile")
                tags.Add(new(property.Name, property.Value.ToString()));
        return tags;
    }

    static string Exiftool(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("exiftool") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"exiftool failed: {error.Result}");
        return output.Result;
    }
}
