using System.Buffers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Features;

namespace Reporting.Server.Storage;

/// <summary>A request body received whole before anything is checked or kept, with its length and,
/// when asked, its SHA-256. A small body with a declared length is held in memory as the single chunk
/// it will be stored as; anything else goes to a private temporary file (ciphertext only), deleted
/// when this is disposed or at the next start-up if the process dies first. Either way a
/// half-received body is never listed.</summary>
public sealed class IncomingBody : IDisposable
{
    const int BufferSize = 64 << 10;

    /// <summary>Held in memory up to this size: at most this times the upload concurrency (32 × 256 KiB
    /// = 8 MiB) ever sits in memory, and typical text reports skip two disk passes.</summary>
    public const int InMemoryLimit = 256 << 10;

    readonly Stream _content;

    IncomingBody(Stream content, long length, byte[]? sha256)
    {
        _content = content;
        Length = length;
        Sha256 = sha256;
    }

    public long Length { get; }

    /// <summary>Null unless the caller asked for it (signed bodies).</summary>
    public byte[]? Sha256 { get; }

    /// <summary>The received bytes from the start. Reading it again rewinds it.</summary>
    public Stream Content
    {
        get
        {
            _content.Position = 0;
            return _content;
        }
    }

    public void Dispose() => _content.Dispose();

    /// <summary>Deletes what an earlier process left half-received.</summary>
    public static void ClearLeftovers(string dataDir)
    {
        var folder = Path.Combine(dataDir, DataFolder.IncomingFolder);
        if (Directory.Exists(folder))
            foreach (var file in Directory.EnumerateFiles(folder))
                File.Delete(file);
    }

    /// <summary>Lets Kestrel take a body of up to <paramref name="limit"/> bytes, whatever the framing
    /// (chunked bodies have no Content-Length). Set before a route refuses without reading the body, too:
    /// Kestrel then drains the unread body (for at most a few seconds) and the client reads the refusal,
    /// where a body over the default limit would have the connection cut under a client still sending.</summary>
    public static void AllowUpTo(HttpContext context, long limit)
    {
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
            sizeFeature.MaxRequestBodySize = limit;
    }

    /// <summary>Receives the body, refusing more than <paramref name="limit"/> bytes. Returns the body, or the
    /// HTTP status that says why not: 413 too large, 400 ended early or broken off.</summary>
    public static async Task<(IncomingBody? Body, int Status)> ReceiveAsync(HttpContext context, string dataDir, long limit, bool hash = false)
    {
        var request = context.Request;
        if (request.ContentLength > limit)
            return (null, StatusCodes.Status413PayloadTooLarge);
        AllowUpTo(context, limit);

        if (request.ContentLength is { } declared && declared <= InMemoryLimit)
            return await ReceiveSmallAsync(context, (int)declared, hash);

        var folder = DataFolder.Create(Path.Combine(dataDir, DataFolder.IncomingFolder)).FullName;
        var file = new FileStream(Path.Combine(folder, RandomId.New()), DataFolder.PrivateNewFile(FileAccess.ReadWrite, FileOptions.DeleteOnClose | FileOptions.Asynchronous));
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        using var hasher = hash ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        try
        {
            long total = 0;
            while (true)
            {
                var read = await request.Body.ReadAsync(buffer.AsMemory(0, BufferSize), context.RequestAborted);
                if (read == 0)
                    break;
                total += read;
                if (total > limit)
                {
                    file.Dispose();
                    return (null, StatusCodes.Status413PayloadTooLarge);
                }
                hasher?.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
            }
            return (new IncomingBody(file, total, hasher?.GetHashAndReset()), StatusCodes.Status200OK);
        }
        catch (Exception e) when ((e is BadHttpRequestException or IOException or OperationCanceledException) && !StorageFull.Caused(e))
        {
            // A body cut short (Content-Length not reached), too large for Kestrel's limit, too slow for
            // the minimum data rate, or a client that went away: nothing of it is kept. A spool that
            // found the disk full is not the client's fault: it goes on as a 503 (StorageFullHandler).
            file.Dispose();
            return (null, e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest);
        }
        catch
        {
            file.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    static async Task<(IncomingBody? Body, int Status)> ReceiveSmallAsync(HttpContext context, int length, bool hash)
    {
        var buffer = new byte[length];
        try
        {
            await context.Request.Body.ReadExactlyAsync(buffer, context.RequestAborted);
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException or OperationCanceledException)
        {
            return (null, e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest);
        }
        var content = new MemoryStream(buffer, 0, length, writable: false, publiclyVisible: true);
        return (new IncomingBody(content, length, hash ? SHA256.HashData(buffer) : null), StatusCodes.Status200OK);
    }
}
