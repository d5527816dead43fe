using System.Buffers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Features;

namespace Reporting.Server.Storage;

/// <summary>A request body received whole into a private temporary file (ciphertext only), with its
/// length and SHA-256, before anything is checked or kept. The file is deleted when this is disposed,
/// or at the next start-up if the process dies first: a half-received body is never listed.</summary>
public sealed class IncomingBody : IDisposable
{
    const int BufferSize = 64 << 10;

    readonly FileStream _file;

    IncomingBody(FileStream file, long length, byte[] sha256)
    {
        _file = file;
        Length = length;
        Sha256 = sha256;
    }

    public long Length { get; }
    public byte[] Sha256 { get; }

    /// <summary>The received bytes from the start. Reading it again rewinds it.</summary>
    public Stream Content
    {
        get
        {
            _file.Position = 0;
            return _file;
        }
    }

    public void Dispose() => _file.Dispose();

    /// <summary>Deletes what an earlier process left half-received.</summary>
    public static void ClearLeftovers(string dataDir)
    {
        var folder = Path.Combine(dataDir, DataFolder.IncomingFolder);
        if (Directory.Exists(folder))
            foreach (var file in Directory.EnumerateFiles(folder))
                File.Delete(file);
    }

    /// <summary>Receives the body, refusing more than <paramref name="limit"/> bytes. Returns the body, or the
    /// HTTP status that says why not: 413 too large, 400 ended early or broken off.</summary>
    public static async Task<(IncomingBody? Body, int Status)> ReceiveAsync(HttpContext context, string dataDir, long limit)
    {
        var request = context.Request;
        if (request.ContentLength > limit)
            return (null, StatusCodes.Status413PayloadTooLarge);
        // Kestrel enforces the limit too, whatever the framing (chunked bodies have no Content-Length).
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
            sizeFeature.MaxRequestBodySize = limit;

        var folder = DataFolder.Create(Path.Combine(dataDir, DataFolder.IncomingFolder)).FullName;
        var file = new FileStream(Path.Combine(folder, RandomId.New()), DataFolder.PrivateNewFile(FileAccess.ReadWrite, FileOptions.DeleteOnClose | FileOptions.Asynchronous));
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
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
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
            }
            return (new IncomingBody(file, total, hash.GetHashAndReset()), StatusCodes.Status200OK);
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException or OperationCanceledException)
        {
            // A body cut short (Content-Length not reached), too large for Kestrel's limit, too slow for
            // the minimum data rate, or a client that went away: nothing of it is kept.
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
}
