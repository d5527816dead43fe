using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using Reporting.Cli;
using Reporting.Cli.Network;
using Reporting.Format.Age;
using Reporting.Format.Keys;
using Reporting.Format.Protocol;
using Reporting.Format.Rosters;
using Reporting.Review.Fetching;

namespace Reporting.Review.Commands;

/// <summary><c>review fetch</c>: download every report's ciphertext to a folder, for the offline machine.</summary>
static class FetchCommand
{
    /// <summary>Report ids come from the server, which may be hostile: they become file names only if plain.</summary>
    const int MaxIdLength = 64;

    /// <summary>Far above any envelope a server accepts (256 MiB by default), far below filling a disk.</summary>
    const long MaxReportBytes = 4L << 30;

    /// <summary>A list of even a hundred thousand reports is a few MiB; a hostile server gets no more.</summary>
    const int MaxListBytes = 32 << 20;

    public static Command Create()
    {
        var options = new ReviewerOptions();
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for <id>.age files and manifest.json", Required = true };
        var delete = new Option<bool>("--delete") { Description = "Delete from the server each report sealed to you (a roster version that lists you), once its download is verified; the others stay for the reviewers they were sealed to" };
        var orgKey = new Option<string?>("--org-key") { Description = "The organisation's public key (reportorg1…) the rosters --delete relies on must be signed by; without it, the key the first roster fetched names is kept and held to" };
        var command = new Command("fetch", "Download new reports (ciphertext only) from the server");
        options.AddTo(command);
        command.Options.Add(output);
        command.Options.Add(delete);
        command.Options.Add(orgKey);
        command.SetAction(async (result, cancel) =>
        {
            var (server, proxy) = options.Addresses(result);
            // The channel is checked before the key is unlocked: a refused address costs no passphrase.
            using var http = ServerConnection.Create(server, proxy);
            using var key = options.ReadAccessKey(result);
            var folder = result.GetValue(output)!;
            var pinned = result.GetValue(orgKey) is { } given ? ParseOrganisation(given) : null;
            folder.Create();
            var history = result.GetValue(delete) ? RosterHistory.Open(folder.FullName, pinned) : null;
            var summary = await ServerConnection.Network(server, () =>
                Fetch(http, key, folder.FullName, history, cancel));
            var kept = history is null ? "" : $", {summary.KeptForOthers} kept there for other reviewers";
            Console.Error.WriteLine($"review: {summary.New} new, {summary.AlreadyHere} already here, {summary.Deleted} deleted from the server{kept}");
            return 0;
        });
        return command;
    }

    sealed record Summary(int New, int AlreadyHere, int Deleted, int KeptForOthers);

    static PublicSigningKey ParseOrganisation(string given) =>
        PublicSigningKey.TryParse(given.Trim(), out var key) && key!.Kind == SigningKeyKind.Organisation
            ? key
            : throw new ToolException("--org-key is not an organisation key", "give the organisation's public key, reportorg1…, as the organisation published it");

    /// <param name="history">Given with --delete: the rosters that tell whether a report was sealed to this reviewer.</param>
    static async Task<Summary> Fetch(HttpClient http, SigningKey key, string folder, RosterHistory? history, CancellationToken cancel)
    {
        using var listResponse = await http.SendSignedAsync(key, HttpMethod.Get, Routes.Reports, null, cancel);
        ServerConnection.EnsureAccepted(listResponse, "list reports");
        var listBytes = await ServerConnection.ReadBoundedAsync(listResponse.Content, MaxListBytes, cancel)
            ?? throw new ToolException("the server's report list is too long", "the server may be compromised: stop and tell your team");
        ReportList? list;
        try
        {
            list = JsonSerializer.Deserialize(listBytes, ProtocolJson.Default.ReportList);
        }
        catch (JsonException)
        {
            list = null;
        }
        if (list?.Reports is null || list.Reports.Any(r => r is null))
            throw new ToolException("the server's report list is not what a reporting server sends", "check the --server address");

        var manifest = Manifest.Load(folder);
        var sealedToMe = new Dictionary<int, bool>();
        int fresh = 0, already = 0, deleted = 0, kept = 0;
        foreach (var report in list.Reports)
        {
            if (report.Size is < 0 or > MaxReportBytes)
                throw new ToolException($"the server lists report {report.Id} with an impossible size", "the server may be compromised: stop and tell your team");
            if (!IsPlainId(report.Id))
                throw new ToolException("the server sent a report id that is not a plain name", "the server may be compromised: stop and tell your team");
            var path = Path.Combine(folder, report.Id + ".age");
            if (manifest.Verify(report.Id, path))
            {
                already++;
            }
            else
            {
                var entry = await Download(http, key, report, folder, path, cancel);
                manifest.Add(entry);
                manifest.Save(folder);
                fresh++;
                Console.Error.WriteLine($"review: fetched {report.Id} ({report.Size} bytes)");
            }

            // Delete only what is verifiably on disk (the file re-read and hashed matches what was downloaded), and only
            // what this reviewer can open: a report sealed to a roster version that does not list them is kept on the
            // server for the reviewers it does list, who may not have fetched it yet.
            if (history is null || !manifest.Verify(report.Id, path))
                continue;
            if (!sealedToMe.TryGetValue(report.RosterVersion, out var mine))
            {
                mine = sealedToMe[report.RosterVersion] = await IsSealedTo(key, report.RosterVersion, history, http, cancel);
                if (!mine)
                    Console.Error.WriteLine($"review: roster version {report.RosterVersion} does not list you (or the server no longer has it): its reports stay on the server for the reviewers it lists");
            }
            if (!mine)
            {
                kept++;
            }
            else
            {
                using var response = await http.SendSignedAsync(key, HttpMethod.Delete, Routes.Report(report.Id), null, cancel);
                ServerConnection.EnsureAccepted(response, $"delete report {report.Id}");
                deleted++;
            }
        }
        return new Summary(fresh, already, deleted, kept);
    }

    /// <summary>True when the roster version a report was sealed to lists this reviewer's access key (and so, in the
    /// same entry, the recipient the report was sealed to).</summary>
    static async Task<bool> IsSealedTo(SigningKey key, int version, RosterHistory history, HttpClient http, CancellationToken cancel)
    {
        var me = key.PublicKey.ToString();
        var roster = await history.GetAsync(version, async v =>
        {
            using var response = await http.GetAsync(Routes.Relative($"{Routes.Rosters}/{v}"), HttpCompletionOption.ResponseHeadersRead, cancel);
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
                return null;
            ServerConnection.EnsureAccepted(response, $"send roster version {v}");
            return await ServerConnection.ReadBoundedAsync(response.Content, SignedRoster.MaxFileBytes, cancel)
                ?? throw new ToolException($"the server's roster version {v} is too large", "the server may be compromised: stop and tell your team");
        });
        return roster is not null && roster.Reviewers.Any(r => r.AccessKey == me);
    }

    static async Task<ManifestEntry> Download(HttpClient http, SigningKey key, ListedReport report, string folder, string path, CancellationToken cancel)
    {
        var partial = Path.Combine(folder, "." + report.Id + ".part");
        try
        {
            using var response = await http.SendSignedAsync(key, HttpMethod.Get, Routes.Report(report.Id), null, cancel);
            ServerConnection.EnsureAccepted(response, $"download report {report.Id}");
            long size;
            byte[] hash;
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.ReadWrite, FileShare.None))
            {
                using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                await using var body = await response.Content.ReadAsStreamAsync(cancel);
                var buffer = new byte[81920];
                int read;
                while ((read = await body.ReadAsync(buffer, cancel)) > 0)
                {
                    // Never more than the server listed: a hostile server could otherwise fill the disk.
                    if (file.Length + read > report.Size)
                        throw new ToolException($"report {report.Id} is longer than the server listed", "the server may be compromised: stop and tell your team");
                    sha.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancel);
                }
                await file.FlushAsync(cancel);
                file.Flush(flushToDisk: true);
                size = file.Length;
                hash = sha.GetHashAndReset();

                if (size != report.Size)
                    throw new ToolException($"report {report.Id} arrived with {size} bytes, the server listed {report.Size}", "run review fetch again");
                file.Position = 0;
                try
                {
                    AgeHeader.Parse(file);
                }
                catch (AgeException)
                {
                    throw new ToolException($"report {report.Id} is not an age file", "the server may be compromised: stop and tell your team");
                }
            }
            File.Move(partial, path, overwrite: true);
            return new ManifestEntry(report.Id, report.Day, size, Convert.ToHexStringLower(hash), report.RosterVersion);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    static bool IsPlainId(string? id) =>
        id is { Length: > 0 and <= MaxIdLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
