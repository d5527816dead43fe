using System.Buffers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Connections;
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

    /// <summary>Ended before its declared length, or broken off by a client that went away: nothing of it is kept.</summary>
    public sealed record Incomplete : BodyReceipt;

    /// <summary>Fell behind the pace an upload must keep (<see cref="Reporting.Format.Protocol.UploadPace"/>), or
    /// too slow for Kestrel's minimum data rate: cut, and nothing of it is kept.</summary>
    public sealed record TooSlow : BodyReceipt;
}

/// <summary>A request body received whole before anything is checked or kept, with its length and,
/// when asked, its SHA-256. A small body is held in memory as the single chunk
/// it will be stored as; anything else goes to a place in a volume (<see cref="ISpoolSpace"/>, ciphertext
/// only), erased when this is disposed or at the next start-up if the process dies first. Either way a
/// half-received body is never listed.</summary>
public sealed class IncomingBody : IDisposable
{
    const int StagingSize = 64 << 10;

    /// <summary>Held in memory up to this size: at most this times the upload slots (64 × 256 KiB = 16 MiB by
    /// default) ever sits in memory, and typical text reports skip two disk passes.</summary>
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

    /// <summary>Deletes the spool files an earlier version made per upload (the spool is now a volume's places).</summary>
    public static void ClearLeftovers(string dataDir)
    {
        var folder = Path.Combine(dataDir, DataFolder.IncomingFolder);
        if (Directory.Exists(folder))
            foreach (var file in Directory.EnumerateFiles(folder).Where(f => Path.GetFileName(f) != SpoolVolume.FileName))
                File.Delete(file);
    }

    /// <summary>Receives the body the request declared (its Content-Length: the routes refuse one without),
    /// refusing more than <paramref name="limit"/> bytes and cutting it when it falls behind the pace
    /// (<see cref="UploadTimer"/>, after <paramref name="grace"/>).</summary>
    public static async Task<BodyReceipt> ReceiveAsync(HttpContext context, ISpoolSpace spool, long limit, TimeSpan grace, bool hash = false)
    {
        var request = context.Request;
        if (request.ContentLength is not { } declared)
            throw new InvalidOperationException("A body without a declared length is refused before it is received.");
        if (declared > limit)
            return new BodyReceipt.TooLarge();
        BodyLimits.AllowUpTo(context, limit);

        // A small body is copied straight into the single chunk it will be stored as; a larger one is spooled.
        byte[]? whole = declared <= InMemoryLimit ? new byte[declared] : null;
        Stream? file = null;
        // Kestrel hands the body over in 4 KiB segments: a spooled one is written in 64 KiB pieces.
        var staging = whole is null ? ArrayPool<byte>.Shared.Rent(StagingSize) : null;
        var staged = 0;
        using var hasher = hash ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        using var timer = new UploadTimer(grace);
        // The pace cuts a read by cancelling it as pending, never through a token: a read cancelled by a token leaves
        // Kestrel's body reader mid-read, and Kestrel then logs an error when it tries to drain the rest.
        var reader = request.BodyReader;
        using var cut = timer.Late.Register(() =>
        {
            try
            {
                reader.CancelPendingRead();
            }
            catch (ConnectionAbortedException)
            {
                // The connection went first: the pending read fails of itself.
            }
        });
        try
        {
            if (whole is null)
                file = spool.Rent(declared);
            long total = 0;
            while (total < declared)
            {
                var result = await reader.ReadAsync();
                var buffer = result.Buffer;
                var consumed = buffer.Start;
                try
                {
                    if (result.IsCanceled)
                        return timer.IsLate ? new BodyReceipt.TooSlow() : new BodyReceipt.Incomplete();
                    // Kestrel ends a body at its declared length; the bound is there all the same.
                    var taken = buffer.Slice(0, Math.Min(buffer.Length, declared - total));
                    foreach (var segment in taken)
                    {
                        hasher?.AppendData(segment.Span);
                        if (whole is not null)
                            segment.Span.CopyTo(whole.AsSpan((int)total));
                        total += segment.Length;
                    }
                    if (staging is not null)
                        staged = await SpoolAsync(taken, staging, staged, file!, flush: total == declared, context.RequestAborted);
                    consumed = taken.End;
                }
                finally
                {
                    // Whatever happened, the read is completed, so that Kestrel can drain the rest.
                    reader.AdvanceTo(consumed);
                }
                timer.Arrived(total);
                if (result.IsCompleted)
                    break;
            }
            if (total != declared)
                return new BodyReceipt.Incomplete();
            Stream content = file is not null ? file : new MemoryStream(whole!, 0, (int)total, writable: false, publiclyVisible: true);
            file = null;
            return new BodyReceipt.Whole(new IncomingBody(content, total, hasher?.GetHashAndReset()));
        }
        catch (Exception e) when ((e is BadHttpRequestException or IOException or OperationCanceledException) && !StorageFull.Caused(e))
        {
            // A body cut short (Content-Length not reached), too large for Kestrel's limit or too slow for its minimum
            // data rate, or a client that went away: nothing of it is kept. A spool that found the disk full is not
            // the client's fault: it goes on as a 503 (StorageFullHandler). A connection that failed under a read
            // (reset, aborted) leaves Kestrel's body reader mid-read, so it could not drain the rest: it is closed.
            if (e is not BadHttpRequestException)
                context.Abort();
            return timer.IsLate ? new BodyReceipt.TooSlow() : Refusal(e);
        }
        finally
        {
            file?.Dispose();
            if (staging is not null)
                ArrayPool<byte>.Shared.Return(staging);
        }
    }

    /// <summary>Copies <paramref name="taken"/> into the staging buffer, writing it to the spool each time it fills and,
    /// with <paramref name="flush"/>, what is left at the end; returns how much it holds.</summary>
    static async Task<int> SpoolAsync(ReadOnlySequence<byte> taken, byte[] staging, int staged, Stream spool, bool flush, CancellationToken cancellationToken)
    {
        var rest = taken;
        while (!rest.IsEmpty)
        {
            var piece = rest.Slice(0, Math.Min(rest.Length, staging.Length - staged));
            piece.CopyTo(staging.AsSpan(staged));
            staged += (int)piece.Length;
            rest = rest.Slice(piece.End);
            if (staged == staging.Length)
            {
                await spool.WriteAsync(staging.AsMemory(0, staged), cancellationToken);
                staged = 0;
            }
        }
        if (flush && staged > 0)
        {
            await spool.WriteAsync(staging.AsMemory(0, staged), cancellationToken);
            staged = 0;
        }
        return staged;
    }

    /// <summary>Kestrel says 413 when a body passes the limit it was allowed (<see cref="BodyLimits.AllowUpTo"/>)
    /// and 408 when it is too slow for its minimum data rate; anything else that cut the body short means it did
    /// not arrive whole.</summary>
    static BodyReceipt Refusal(Exception e) => e switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new BodyReceipt.TooLarge(),
        BadHttpRequestException { StatusCode: StatusCodes.Status408RequestTimeout } => new BodyReceipt.TooSlow(),
        _ => new BodyReceipt.Incomplete(),
    };
}
