using System.Text;
using Reporting.Format.Age;
using Reporting.Format.Bundles;

namespace Reporting.Fuzz;

/// <summary>Small valid inputs for each target, the starting corpus afl-fuzz mutates
/// (committed under corpus/TARGET/, regenerated with <c>Reporting.Fuzz seeds DIR</c>).</summary>
public static class Seeds
{
    public static IEnumerable<(string Target, string Name, byte[] Bytes)> All()
    {
        using var alice = X25519Identity.FromSecret(FuzzKeys.Seed(10));
        using var bob = X25519Identity.FromSecret(FuzzKeys.Seed(20));
        IRecipient[] both = [alice.Recipient, bob.Recipient];
        var bundle = Bundle(withAttachment: true);

        yield return ("header", "two-x25519.age", Seal(bundle, both, armor: false));
        yield return ("header", "one-x25519-empty.age", Seal([], [alice.Recipient], armor: false));
        yield return ("header", "scrypt.age", Seal("x"u8.ToArray(), [new ScryptRecipient("fuzz"u8.ToArray(), workFactor: 1)], armor: false));
        yield return ("armor", "two-x25519.txt", Seal(Bundle(withAttachment: false), both, armor: true));
        yield return ("armor", "crlf.txt", Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(Seal("short"u8.ToArray(), [alice.Recipient], armor: true)).Replace("\n", "\r\n")));

        var roster = FuzzKeys.ValidRoster();
        yield return ("roster", "roster.json", roster.FileBytes);
        yield return ("roster-payload", "payload.json", Payload(roster.FileBytes));
        yield return ("freshness", "roster.fresh", Format.Rosters.SignedFreshness.Sign(FuzzKeys.FreshRoster, FuzzKeys.Freshness, FuzzKeys.Today, 7).FileBytes);

        yield return ("report-json", "full.json", Document(withReply: true).ToJson());
        yield return ("report-json", "minimal.json", Document(withReply: false).ToJson());

        yield return ("bundle", "with-attachment.tar", bundle);
        yield return ("bundle", "report-only.tar", Bundle(withAttachment: false));
    }

    static ReportDocument Document(bool withReply) => new()
    {
        Category = withReply ? "illness" : "other",
        Region = withReply ? "Jilin province" : null,
        When = withReply ? "2023-02" : null,
        Language = withReply ? "ko" : "en",
        Text = withReply ? "병원에 갈 수 없습니다.\nNo papers." : "x",
        Reply = withReply ? new ReplyAddress("age1" + new string('q', 58), "reportmailbox1" + new string('q', 58)) : null,
    };

    static byte[] Bundle(bool withAttachment)
    {
        var output = new MemoryStream();
        AttachmentSource[] attachments = withAttachment
            ? [new AttachmentSource("note.txt", "text/plain", false, () => new MemoryStream("an attachment\n"u8.ToArray()))]
            : [];
        ReportBundle.Write(output, Document(withReply: withAttachment), attachments);
        return output.ToArray();
    }

    static byte[] Seal(byte[] plaintext, IReadOnlyList<IRecipient> recipients, bool armor)
    {
        var output = new MemoryStream();
        using (var sink = AgeFile.Seal(output, recipients, armor, leaveOpen: true))
            sink.Write(plaintext);
        return output.ToArray();
    }

    /// <summary>The signed bytes inside a roster file, exactly as the signer wrote them.</summary>
    static byte[] Payload(byte[] rosterFile)
    {
        using var file = System.Text.Json.JsonDocument.Parse(rosterFile);
        return Convert.FromBase64String(file.RootElement.GetProperty("payload").GetString()!);
    }
}
