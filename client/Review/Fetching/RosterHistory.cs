using Reporting.Cli;
using Reporting.Format.IO;
using Reporting.Format.Keys;
using Reporting.Format.Rosters;

namespace Reporting.Review.Fetching;

/// <summary>Every roster version <c>review fetch</c> has needed, kept beside the fetched reports in
/// <c>rosters/VERSION.json</c> (the organisation's exact file) with the organisation key they are held to in
/// <c>rosters/organisation</c>. It tells whom a report was sealed to: the server lists each report's roster
/// version, and serves earlier versions (<c>GET /api/v1/rosters/VERSION</c>). A version is fetched once, verified
/// as the organisation's (whatever its dates: an old roster has expired), and from then on read from here, so a
/// server cannot later show another content under it (one version, one content: docs/DESIGN.md D3).</summary>
sealed class RosterHistory
{
    const string OrganisationFile = "organisation";

    readonly string folder;
    PublicSigningKey? organisation;

    RosterHistory(string folder, PublicSigningKey? organisation) => (this.folder, this.organisation) = (folder, organisation);

    /// <param name="pinned">The key given with --org-key; without one, the key the history holds, else the one the
    /// first roster fetched names (taken on first use and kept).</param>
    public static RosterHistory Open(string fetchFolder, PublicSigningKey? pinned)
    {
        var folder = Path.Combine(fetchFolder, "rosters");
        var held = ReadOrganisation(folder);
        if (pinned is not null && held is not null && !pinned.Equals(held))
            throw new ToolException($"the rosters kept in {folder} are of the organisation {held}, not {pinned} given with --org-key",
                "check the organisation key; fetch into a new folder for another organisation");
        return new RosterHistory(folder, pinned ?? held);
    }

    /// <summary>The roster of <paramref name="version"/>, from the history or else downloaded and kept; null when
    /// the server no longer has it (then nobody here can tell whom a report of that version was sealed to).</summary>
    public async Task<Roster?> GetAsync(int version, Func<int, Task<byte[]?>> download)
    {
        var path = Path.Combine(folder, $"{version}.json");
        if (File.Exists(path) && organisation is not null)
            return Verify(File.ReadAllBytes(path), version, $"the roster {path} kept from an earlier fetch");
        var bytes = await download(version);
        if (bytes is null)
            return null;
        var firstUse = organisation is null;
        organisation ??= SignedRoster.NamedOrganisation(bytes)
            ?? throw new ToolException($"the server's roster version {version} is not a roster", "the server may be compromised: stop and tell your team");
        var roster = Verify(bytes, version, $"the server's roster version {version}");
        Directory.CreateDirectory(folder);
        if (firstUse)
            AtomicFile.Write(Path.Combine(folder, OrganisationFile), System.Text.Encoding.UTF8.GetBytes(organisation + "\n"), AtomicFile.Public, replace: true);
        AtomicFile.Write(path, bytes, AtomicFile.Public, replace: true);
        return roster;
    }

    Roster Verify(byte[] bytes, int version, string what)
    {
        try
        {
            var roster = SignedRoster.VerifyEarlier(bytes, organisation!).Roster;
            if (roster.Version != version)
                throw new ToolException($"{what} carries version {roster.Version}", "the server may be compromised: stop and tell your team");
            return roster;
        }
        catch (RosterException e)
        {
            throw Explain.Roster(e, what);
        }
    }

    static PublicSigningKey? ReadOrganisation(string folder)
    {
        var path = Path.Combine(folder, OrganisationFile);
        if (!File.Exists(path))
            return null;
        return PublicSigningKey.TryParse(File.ReadAllText(path).Trim(), out var key) && key!.Kind == SigningKeyKind.Organisation
            ? key
            : throw new ToolException($"{path} is damaged", "write the organisation's key (reportorg1…) into it, or give it with --org-key");
    }
}
