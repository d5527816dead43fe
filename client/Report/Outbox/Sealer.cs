using Reporting.Format.Age;
using Reporting.Format.Bundles;
using Reporting.Format.Rosters;
using Reporting.Format.IO;
using Reporting.Report.Progress;
using Reporting.Report.Text;

namespace Reporting.Report.Outbox;

/// <summary>Bundles, pads and seals a report to every reviewer of the roster, straight into a file that
/// becomes visible only when whole. The plaintext exists in memory only: the bundle is written into
/// the age sealing stream, which writes ciphertext to disk.</summary>
static class Sealer
{
    /// <summary>Seals into the outbox and returns the new entry.</summary>
    public static OutboxEntry SealToOutbox(ReportOutbox outbox, Roster roster, ReportDocument document, IReadOnlyList<AttachmentSource> attachments, long expectedBytes)
    {
        var key = ReportOutbox.NewIdempotencyKey();
        using var pending = outbox.CreateEnvelope(key);
        Seal(pending.Stream, roster, document, attachments, expectedBytes, armor: false);
        var entry = new OutboxEntry(key, roster.Version, DateOnly.FromDateTime(DateTime.UtcNow), pending.Stream.Length);
        outbox.Add(entry, pending);
        return entry;
    }

    /// <summary>Seals into <paramref name="path"/> for carrying by hand (USB, chat), replacing it atomically.</summary>
    public static long SealToFile(string path, Roster roster, ReportDocument document, IReadOnlyList<AttachmentSource> attachments, long expectedBytes, bool armor)
    {
        using var pending = AtomicFile.Create(path);
        Seal(pending.Stream, roster, document, attachments, expectedBytes, armor);
        var length = pending.Stream.Length;
        pending.Commit();
        return length;
    }

    /// <summary>All of one kind (the roster was refused otherwise): hybrid for a post-quantum roster, X25519 for a classic one.</summary>
    public static IReadOnlyList<IRecipient> Recipients(Roster roster) =>
        [.. roster.Reviewers.Select(r => AgeKeys.ParseRecipient(r.Recipient))];

    static void Seal(Stream destination, Roster roster, ReportDocument document, IReadOnlyList<AttachmentSource> attachments, long expectedBytes, bool armor)
    {
        var recipients = Recipients(roster);
        using var bar = new ProgressBar(UiText.Get("ProgressSeal"), Padme.PaddedLength(expectedBytes));
        using (var counting = new CountingWriteStream(destination, bar.Report))
        using (var sealing = AgeFile.Seal(counting, recipients, armor, leaveOpen: true))
        {
            try
            {
                ReportBundle.Write(sealing, document, attachments);
            }
            catch (ArgumentException)
            {
                // The half-sealed file is discarded by the caller: it was never committed.
                throw new Reporting.Cli.ToolException(UiText.Get("ReportTooLong"), UiText.Get("HintTextTooLong"));
            }
        }
        destination.Flush();
        bar.Complete();
    }
}
