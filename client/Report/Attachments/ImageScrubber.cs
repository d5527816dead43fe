using SkiaSharp;

namespace Reporting.Report.Attachments;

/// <summary>The image formats a source's photos come in, recognised by their first bytes (never by name).</summary>
enum ImageKind { Jpeg, Png, WebP, Gif }

/// <summary>Removes everything but the pixels from a photo by decoding it and encoding the pixels anew:
/// EXIF (camera, serial number, time), GPS, XMP, IPTC, comments and the device's colour profile do
/// not survive, because the new file is written from pixels alone. The picture is turned upright
/// first, since the orientation flag goes with the rest.</summary>
static class ImageScrubber
{
    /// <summary>About 100 megapixels (400 MB decoded): above any phone photo, below a decompression bomb.</summary>
    public const long MaxPixels = 100_000_000;

    /// <summary>Lossy formats are re-encoded at a quality where the loss is not visible.</summary>
    const int Quality = 90;

    public static ImageKind? Recognise(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
            return ImageKind.Jpeg;
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
            return ImageKind.Png;
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
            return ImageKind.Gif;
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
            return ImageKind.WebP;
        return null;
    }

    /// <summary>The format a scrubbed image is written in: Skia cannot write GIF, so a GIF becomes a PNG
    /// (lossless; an animation keeps its first frame).</summary>
    public static (string Extension, string MediaType) Output(ImageKind kind) => kind switch
    {
        ImageKind.Jpeg => ("jpg", "image/jpeg"),
        ImageKind.WebP => ("webp", "image/webp"),
        _ => ("png", "image/png"),
    };

    /// <summary>Returns the re-encoded image, in memory. Throws <see cref="InvalidDataException"/> when
    /// the file cannot be decoded or is too large.</summary>
    public static byte[] Scrub(byte[] image, ImageKind kind)
    {
        using var data = SKData.CreateCopy(image);
        using var codec = SKCodec.Create(data) ?? throw new InvalidDataException("not a readable image");
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0 || (long)width * height > MaxPixels)
            throw new InvalidDataException("the image is too large");

        // Decode to sRGB: the camera's embedded colour profile stays behind with the rest.
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul, SKColorSpace.CreateSrgb());
        using var decoded = new SKBitmap(info);
        var result = codec.GetPixels(info, decoded.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
            throw new InvalidDataException($"the image could not be decoded ({result})");

        using var turned = Upright(decoded, codec.EncodedOrigin);
        var upright = turned ?? decoded;
        var (format, quality) = kind switch
        {
            ImageKind.Jpeg => (SKEncodedImageFormat.Jpeg, Quality),
            ImageKind.WebP => (SKEncodedImageFormat.Webp, Quality),
            _ => (SKEncodedImageFormat.Png, 100),
        };
        // The pixels are sRGB already; encoding them without a colour space writes no ICC profile at all
        // (viewers assume sRGB), so not even a generic profile is left to describe where they came from.
        using var pixels = new SKPixmap(upright.Info.WithColorSpace(null), upright.GetPixels(), upright.RowBytes);
        using var encoded = pixels.Encode(format, quality) ?? throw new InvalidDataException("the image could not be encoded");
        return encoded.ToArray();
    }

    /// <summary>Applies the EXIF orientation to the pixels (the matrices of Skia's SkEncodedOriginToMatrix);
    /// null when the picture is upright already.</summary>
    static SKBitmap? Upright(SKBitmap source, SKEncodedOrigin origin)
    {
        float w = source.Width, h = source.Height;
        SKMatrix? matrix = origin switch
        {
            SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
            SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
            SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),
            _ => null,
        };
        if (matrix is null)
            return null;
        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var info = source.Info.WithSize(swap ? source.Height : source.Width, swap ? source.Width : source.Height);
        var upright = new SKBitmap(info);
        using var canvas = new SKCanvas(upright);
        canvas.Clear(SKColors.Transparent);
        canvas.SetMatrix(matrix.Value);
        using var image = SKImage.FromBitmap(source);
        // Quarter turns and mirrors map pixels onto pixels: no resampling.
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest));
        canvas.Flush();
        return upright;
    }
}
