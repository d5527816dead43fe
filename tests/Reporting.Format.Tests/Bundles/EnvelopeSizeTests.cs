using Reporting.Format.Age;
using Reporting.Format.Bundles;
using Xunit;

namespace Reporting.Format.Tests.Bundles;

/// <summary>The size computed before sealing is the size sealing gives, byte for byte.</summary>
public class EnvelopeSizeTests
{
    public static TheoryData<int, int> Cases => new()
    {
        { 0, 1 }, { 1, 1 }, { 100, 2 }, { 65_000, 1 }, { 65_536, 3 }, { 200_000, 1 }, { 1_040_000, 2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ComputedSize_IsTheSealedSize(int attachmentBytes, int reviewers)
    {
        var identities = Enumerable.Range(0, reviewers).Select(_ => X25519Identity.Generate()).ToList();
        var recipients = identities.Select(i => (IRecipient)i.Recipient).ToList();
        var content = new byte[attachmentBytes];
        Random.Shared.NextBytes(content);
        var document = new ReportDocument { Category = "other", Language = "en", Text = "ÿ한字 text", When = "2023-02" };
        AttachmentSource[] attachments = attachmentBytes == 0 ? [] :
            [new AttachmentSource("photo.bin", "application/octet-stream", false, () => new MemoryStream(content, writable: false))];

        var computed = EnvelopeSize.Of(document, attachments, recipients);
        using var sealedBytes = new MemoryStream();
        using (var sealing = AgeFile.Seal(sealedBytes, recipients, leaveOpen: true))
            ReportBundle.Write(sealing, document, attachments);

        Assert.Equal(sealedBytes.Length, computed);
        identities.ForEach(i => i.Dispose());
    }
}
