using System.CommandLine;
using Reporting.Cli;
using Reporting.Format.Invites;
using Reporting.Format.IO;
using Reporting.Format.Keys;
using Reporting.Format.Rosters;
using Reporting.Report.Delivery;
using Reporting.Report.Home;
using Reporting.Report.Text;

namespace Reporting.Report.Commands;

/// <summary><c>report init</c>: pins the server, the organisation key, the channel and the language,
/// then fetches (or reads) the roster and verifies it.</summary>
static class InitCommand
{
    public static Command Create()
    {
        var invite = new Option<string>("--invite") { Description = "The invite the organisation gave you (reportinvite1…): server, organisation key and proxy in one" };
        var server = new Option<string>("--server") { Description = "The server's address (http://, https://, or an .onion address with --proxy)" };
        var orgKey = new Option<string>("--org-key") { Description = "The organisation's public key (reportorg1…), as the organisation published it" };
        var proxy = CommonOptions.Proxy("Proxy to reach the server: socks5://127.0.0.1:9050 (Tor) or http://HOST:PORT");
        var roster = new Option<string>("--roster") { Description = "A roster file carried in by hand, instead of fetching it from the server" };
        var freshness = new Option<string>("--freshness")
        {
            Description = "With --roster: the reviewers' statement that it is current (roster.fresh), when the roster asks for one",
        };
        var command = new Command("init", "Set up this computer: server, organisation key, proxy, language; fetch and verify the roster")
        {
            invite, server, orgKey, proxy, roster, freshness, CommonOptions.Timeout, CommonOptions.Attempts,
        };
        command.SetAction(result => CommonOptions.Guard(() =>
        {
            var (home, previous) = CommonOptions.Start(result);
            var (serverText, organisation, proxyText, minimumVersion) = Pinned(result.GetValue(invite), result.GetValue(server), result.GetValue(orgKey), result.GetValue(proxy));
            var channel = Channel.Create(serverText, proxyText);
            var language = UiText.Normalise(result.GetValue(CommonOptions.Language)) ?? previous?.Language ?? UiText.Language;
            UiText.Use(language);
            var config = new ReportConfig
            {
                Server = channel.Server.ToString(),
                Organisation = organisation.ToString(),
                Proxy = channel.Proxy?.ToString(),
                Language = language,
                // The same organisation keeps its rollback protection across a new init; another starts afresh.
                RosterVersion = previous?.Organisation == organisation.ToString() ? previous.RosterVersion : 0,
            };
            var rosterFile = result.GetValue(roster);
            var freshnessFile = result.GetValue(freshness);
            if (freshnessFile is not null && rosterFile is null)
                throw new ToolException(UiText.Get("FreshnessNeedsRoster"));
            var signed = rosterFile is null
                ? RosterStore.Fetch(home, config, channel, CommonOptions.Policy(result), CancellationToken.None, minimumVersion)
                : RosterStore.Accept(home, config, ReadFile(rosterFile), freshnessFile is null ? null : ReadFile(freshnessFile), minimumVersion);
            home.SaveConfig(config with { RosterVersion = signed.Roster.Version });
            Console.Error.WriteLine($"report: {UiText.Format("InitDone", home.Root)}");
            Console.Error.WriteLine($"report: {UiText.Format("OrgFingerprint", Fingerprint.Of(organisation))}");
            Console.Error.WriteLine($"report: {UiText.Format("RosterAccepted", signed.Roster.Version, signed.Roster.Reviewers.Count, signed.Roster.Expires.ToString("yyyy-MM-dd"))}");
            if (signed.Roster.FreshnessKey is not null)
            {
                // Accepted just now, so the statement kept is this roster's and current.
                var statement = SignedFreshness.Verify(QuietRead.AllBytes(home.FreshnessPath), signed);
                Console.Error.WriteLine($"report: {UiText.Format("RosterConfirmed", statement.Statement.Issued.ToString("yyyy-MM-dd"), statement.LapsesOn(signed.Roster).ToString("yyyy-MM-dd"))}");
            }
            return 0;
        }));
        return command;
    }

    /// <summary>The server, the organisation key, the proxy and the lowest roster version to accept: from an invite,
    /// or as typed. A --proxy given beside an invite wins (Tor Browser listens on another port than Tor).</summary>
    static (string Server, PublicSigningKey Organisation, string? Proxy, int MinimumVersion) Pinned(string? inviteText, string? server, string? orgKey, string? proxy)
    {
        if (inviteText is not null)
        {
            if (server is not null || orgKey is not null)
                throw new ToolException(UiText.Get("InviteOrServer"));
            Invite invite;
            try
            {
                invite = Invite.Parse(inviteText);
            }
            catch (FormatException)
            {
                throw new ToolException(UiText.Get("BadInvite"), UiText.Get("HintInvite"));
            }
            return (invite.Server, invite.Organisation, proxy ?? invite.Proxy, invite.MinRosterVersion ?? 0);
        }
        if (server is null || orgKey is null)
            throw new ToolException(UiText.Get("InitNeedsServer"));
        return (server, RosterStore.ParseOrganisation(orgKey), proxy, 0);
    }

    static byte[] ReadFile(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ToolException(e.Message);
        }
    }
}
