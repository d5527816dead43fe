using System.Buffers;
using System.Security.Cryptography;
using Reporting.Server.Storage;

namespace Reporting.Server.Uploads;

/// <summary>What became of a body <see cref="IncomingBody.ReceiveAsync"/> was asked to receive.</summary>
public abstract record BodyReceipt
{
    BodyReceipt() { }

    /// <summary>Received whole; dispose it once it is stored or refused.</summary>
    public sealed record Whole(IncomingBody Body) : BodyReceipt;

    /// <summary>More than the route's limit, declared or sent: nothing of it is kept.</summary>
    public sealed record TooLarge : BodyReceipt;

    /// <summary>Ended before its declared length, too slow for the minimum data rate, or broken off by a
    /// client that went away: nothing of it is kept.</summary>
    public sealed record Incomplete : BodyReceipt;
}

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

    /// <summary>Receives the body, refusing more than <paramref name="limit"/> bytes.</summary>
    public static async Task<BodyReceipt> ReceiveAsync(HttpContext context, string dataDir, long limit, bool hash = false)
    {
        var request = context.Request;
        if (request.ContentLength > limit)
            return new BodyReceipt.TooLarge();
        BodyLimits.AllowUpTo(context, limit);

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
                    return new BodyReceipt.TooLarge();
                }
                hasher?.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
            }
            return new BodyReceipt.Whole(new IncomingBody(file, total, hasher?.GetHashAndReset()));
        }
        catch (Exception e) when ((e is BadHttpRequestException or IOException or OperationCanceledException) && !StorageFull.Caused(e))
        {
            // A body cut short (Content-Length not reached), too large for Kestrel's limit, too slow for
            // the minimum data rate, or a client that went away: nothing of it is kept. A spool that
            // found the disk full is not the client's fault: it goes on as a 503 (StorageFullHandler).
            file.Dispose();
            return Refusal(e);
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

    static async Task<BodyReceipt> ReceiveSmallAsync(HttpContext context, int length, bool hash)
    {
        var buffer = new byte[length];
        try
        {
            await context.Request.Body.ReadExactlyAsync(buffer, context.RequestAborted);
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException or OperationCanceledException)
        {
            return Refusal(e);
        }
        var content = new MemoryStream(buffer, 0, length, writable: false, publiclyVisible: true);
        return new BodyReceipt.Whole(new IncomingBody(content, length, hash ? SHA256.HashData(buffer) : null));
    }

    /// <summary>Kestrel says 413 when a body passes the limit it was allowed (<see cref="BodyLimits.AllowUpTo"/>);
    /// anything else that cut the body short means it did not arrive whole.</summary>
    static BodyReceipt Refusal(Exception e) => e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }
        ? new BodyReceipt.TooLarge()
        : new BodyReceipt.Incomplete();
}
