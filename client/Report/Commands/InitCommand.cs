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
        var invite = new Option<string>("--invite") { Description = UiText.Get("Help_init_invite") };
        var server = new Option<string>("--server") { Description = UiText.Get("Help_init_server") };
        var orgKey = new Option<string>("--org-key") { Description = UiText.Get("Help_init_org_key") };
        var proxy = CommonOptions.Proxy(UiText.Get("Help_init_proxy"));
        var roster = new Option<string>("--roster") { Description = UiText.Get("Help_init_roster") };
        var freshness = new Option<string>("--freshness") { Description = UiText.Get("Help_init_freshness") };
        var command = new Command("init", UiText.Get("Help_init"))
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
            WarnIfSeen(channel);
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

    /// <summary>Before anything goes over the network: without Tor, whoever watches this computer's line sees it
    /// reach the server, and when (docs/DESIGN.md D11). Said once, here, with how to hide it, bridges included for
    /// where Tor itself is blocked. An onion address cannot be reached without Tor; this computer's own address
    /// (a test, a demonstration) crosses no network.</summary>
    static void WarnIfSeen(Channel channel)
    {
        if (channel.Proxy is not null || channel.Server.IsLoopback)
            return;
        Console.Error.WriteLine($"report: {UiText.Format("WarnNoProxy", channel.Server.Host)}");
        Console.Error.WriteLine(UiText.Hint(UiText.Get("HintUseTor")));
        Console.Error.WriteLine(UiText.Hint(UiText.Get("HintTorBridges")));
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
