using Reporting.Format.Age;
using Reporting.Format.Bundles;
using Reporting.Format.Codenames;
using Reporting.Report.Home;
using Reporting.Report.Text;

namespace Reporting.Report.Guided;

/// <summary>The codename for the answer form chosen and the reply address it stands for (derived once: Argon2id
/// costs 64 MiB and a tenth of a second). Kept while the form stays the same, so a report sent back to the summary
/// keeps its codename; made anew when the form changes; none for no answer. In memory only. The answer is sealed to
/// a reply recipient of the roster's kind: a report sealed post-quantum gets a post-quantum answer.</summary>
sealed class ReplyKeys(ReportConfig config, KeyKind kind)
{
    public Codename? Codename { get; private set; }
    public ReplyAddress? Address { get; private set; }

    public void Choose(ReplyForm form)
    {
        var fits = form switch
        {
            ReplyForm.None => Codename is null,
            ReplyForm.Digits => Codename is { Wordlist: null },
            _ => Codename is { Wordlist: not null },
        };
        if (fits)
            return;
        Codename = form switch
        {
            ReplyForm.None => null,
            ReplyForm.Digits => Codename.Generate(null),
            _ => Codename.Generate(Wordlist.ForLanguage(UiText.Language)),
        };
        Address = Codename is null ? null : AddressOf(Codename);
    }

    ReplyAddress AddressOf(Codename codename)
    {
        using var keys = codename.DeriveKeys(RosterStore.ParseOrganisation(config.Organisation));
        return new ReplyAddress(keys.ReplyIdentityFor(kind).Recipient.ToString()!, keys.MailboxKey.PublicKey.ToString());
    }
}
