using Reporting.Format.Protocol;
using Microsoft.Extensions.Options;

namespace Reporting.Server.Uploads;

/// <summary>Room on the data folder's volume for the uploads now arriving. Each upload reserves twice its
/// declared length (a large envelope is on disk twice for a moment: spooled, then its stored file) before
/// its body is read, against the free space less what must stay free (<see cref="DataFolder.KeepFreeBytes"/>).
/// Counting the uploads in flight keeps many that arrive together from passing the check all at once and
/// then taking the reserve the reviewers' signed requests need on a full volume. Uploads larger than
/// <see cref="UploadSlots.SmallBytes"/> also leave room for a typical report (64 KiB) in every slot kept for small
/// ones, so that large uploads in flight cannot turn a typical report away for want of space either.</summary>
public sealed class UploadSpace(IOptions<ReportingOptions> options)
{
    long _reserved;

    /// <summary>A reservation to dispose when the upload is stored or refused, or null when there is no room.</summary>
    public IDisposable? TryReserve(long declaredLength)
    {
        var settings = options.Value;
        var need = Math.Min(declaredLength, settings.MaxEnvelopeBytes) * 2;
        var keptForSmall = declaredLength > UploadSlots.SmallBytes
            ? UploadSlots.KeptForSmall(settings.MaxConcurrentUploads) * 2 * ProofOfWork.BaseEnvelopeBytes
            : 0;
        if (DataFolder.FreeBytes(settings.DataDir) - DataFolder.KeepFreeBytes(settings) - keptForSmall >= Interlocked.Add(ref _reserved, need))
            return new Reservation(this, need);
        Interlocked.Add(ref _reserved, -need);
        return null;
    }

    sealed class Reservation(UploadSpace space, long bytes) : IDisposable
    {
        int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                Interlocked.Add(ref space._reserved, -bytes);
        }
    }
}
