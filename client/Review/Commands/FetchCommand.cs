using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using Reporting.Cli;
using Reporting.Cli.Network;
using Reporting.Format.Age;
using Reporting.Format.Protocol;

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
        var delete = new Option<bool>("--delete") { Description = "Delete each report from the server once its download is verified" };
        var command = new Command("fetch", "Download new reports (ciphertext only) from the server");
        options.AddTo(command);
        command.Options.Add(output);
        command.Options.Add(delete);
        command.SetAction(async (result, cancel) =>
        {
            var (server, proxy) = options.Addresses(result);
            // The channel is checked before the key is unlocked: a refused address costs no passphrase.
            using var http = ServerConnection.Create(server, proxy);
            using var key = options.ReadAccessKey(result);
            var folder = result.GetValue(output)!;
            folder.Create();
            var summary = await ServerConnection.Network(server, () =>
                Fetch(http, key, folder.FullName, result.GetValue(delete), cancel));
            Console.Error.WriteLine($"review: {summary.New} new, {summary.AlreadyHere} already here, {summary.Deleted} deleted from the server");
            return 0;
        });
        return command;
    }

    sealed record Summary(int New, int AlreadyHere, int Deleted);

    static async Task<Summary> Fetch(HttpClient http, Reporting.Format.Keys.SigningKey key, string folder, bool delete, CancellationToken cancel)
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
        int fresh = 0, already = 0, deleted = 0;
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

            // Delete only what is verifiably on disk: the file re-read and hashed matches what was downloaded.
            if (delete && manifest.Verify(report.Id, path))
            {
                using var response = await http.SendSignedAsync(key, HttpMethod.Delete, Routes.Report(report.Id), null, cancel);
                ServerConnection.EnsureAccepted(response, $"delete report {report.Id}");
                deleted++;
            }
        }
        return new Summary(fresh, already, deleted);
    }

    static async Task<ManifestEntry> Download(HttpClient http, Reporting.Format.Keys.SigningKey key, ListedReport report, string folder, string path, CancellationToken cancel)
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
