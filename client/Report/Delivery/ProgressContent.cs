using System.Net;
using Reporting.Report.Progress;

namespace Reporting.Report.Delivery;

/// <summary>Streams an envelope from the outbox to the server, showing the upload on a progress bar.</summary>
sealed class ProgressContent(Stream source, long contentLength, string label) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        await SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        // A retried request serialises again: start from the beginning.
        source.Position = 0;
        using var bar = new ProgressBar(label, contentLength);
        var buffer = new byte[1 << 16];
        long sent = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            sent += read;
            bar.Report(sent);
        }
        bar.Complete();
    }

    protected override bool TryComputeLength(out long length)
    {
        length = contentLength;
        return true;
    }
}
