using System.CommandLine;
using Reporting.Cli;
using Reporting.Cli.Network;
using Reporting.Format.Invites;
using Reporting.Format.IO;
using Reporting.Format.Keys;

namespace Reporting.Review.Commands;

/// <summary><c>review org invite</c>: server, organisation key and proxy in one checksummed string (and a QR
/// code) for <c>report init --invite</c>. Only the public key goes in, so the organisation's public string
/// is enough; the key file is taken too, for convenience, and then unlocked only to read its public half.</summary>
static class OrgInviteCommand
{
    /// <summary>Pixels per QR module: a code of about 100 modules a side, about 900 pixels, sharp when printed.</summary>
    const int PixelsPerModule = 8;

    public static Command Create()
    {
        var orgKey = new Option<string>("--org-key") { Description = "The organisation's public key (reportorg1…), or its key file", Required = true };
        var server = new Option<string>("--server") { Description = "The server's address sources send to", Required = true };
        var proxy = new Option<string?>("--proxy") { Description = "The proxy sources use to reach it, e.g. socks5://127.0.0.1:9050 (Tor)" };
        var qr = new Option<string?>("--qr") { Description = "Also write the invite as a QR code to this PNG file" };
        var passphraseFile = new Option<string?>("--passphrase-file") { Description = "With a key file: read its passphrase from this file instead of asking" };
        var minRoster = new Option<int?>("--min-roster-version")
        {
            Description = "The lowest roster version report init accepts with this invite (the version in force now): an older one served is a replay",
        };
        var command = new Command("invite", "Print an invite (reportinvite1…) that sets up report in one step: server, organisation key, proxy")
        {
            orgKey, server, proxy, qr, passphraseFile, minRoster,
        };
        command.SetAction(result =>
        {
            var (serverUri, proxyUri) = Addresses(result.GetValue(server)!, result.GetValue(proxy));
            var organisation = Organisation(result.GetValue(orgKey)!, result.GetValue(passphraseFile));
            if (result.GetValue(minRoster) is < 1)
                throw new ToolException("--min-roster-version must be 1 or more");
            Invite invite;
            try
            {
                invite = new Invite(serverUri.ToString(), organisation, proxyUri?.ToString(), result.GetValue(minRoster));
                _ = invite.ToString();
            }
            catch (ArgumentException)
            {
                throw new ToolException("the server or proxy address is too long for an invite (255 bytes each)");
            }
            if (result.GetValue(qr) is { } qrPath)
                WriteQr(qrPath, invite);
            Console.Out.WriteLine(invite.ToString());
            Console.Error.WriteLine($"review: organisation key {organisation}");
            Console.Error.WriteLine($"review: fingerprint {Fingerprint.Of(organisation)}: sources compare it with what report init prints");
            Console.Error.WriteLine("review: an invite is only as trustworthy as the way it reaches a source: hand it over in person or by a channel you trust");
            return 0;
        });
        return command;
    }

    static PublicSigningKey Organisation(string value, string? passphraseFile)
    {
        if (PublicSigningKey.TryParse(value.Trim(), out var key))
            return key!.Kind == SigningKeyKind.Organisation
                ? key
                : throw new ToolException("--org-key: this is not the organisation key (reportorg1…)", "give the reportorg1… key or the organisation key file");
        if (!File.Exists(value))
            throw new ToolException("--org-key is neither a reportorg1… key nor a key file", "give the reportorg1… key that review org init printed, or its key file");
        using var secret = SigningKeys.Read(value, passphraseFile, SigningKeyKind.Organisation, "make one with: review org init --out FILE");
        return secret.PublicKey;
    }

    /// <summary>Checked as the tools check an address they connect to, so an invite never carries what report refuses.</summary>
    static (Uri Server, Uri? Proxy) Addresses(string server, string? proxy)
    {
        var (serverUri, proxyUri) = ReviewerOptions.ParseAddresses(server.Trim(), string.IsNullOrWhiteSpace(proxy) ? null : proxy.Trim());
        ServerConnection.Check(serverUri, proxyUri);
        return (serverUri, proxyUri);
    }

    static void WriteQr(string path, Invite invite)
    {
        using var generator = new QRCoder.QRCodeGenerator();
        // Level M: a code that survives a smudge or a crease and still fits a page.
        using var data = generator.CreateQrCode(invite.ToQrText(), QRCoder.QRCodeGenerator.ECCLevel.M);
        var png = new QRCoder.PngByteQRCode(data).GetGraphic(PixelsPerModule);
        using var file = CommandFiles.CreateNew(path, AtomicFile.Public);
        file.Stream.Write(png);
        file.Commit();
        Console.Error.WriteLine($"review: wrote the QR code to {path}");
    }
}
