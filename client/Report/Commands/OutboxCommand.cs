using System.CommandLine;
using System.Globalization;
using Reporting.Cli;
using Reporting.Report.Outbox;
using Reporting.Report.Text;

namespace Reporting.Report.Commands;

/// <summary><c>report outbox</c>: what is waiting, without revealing anything of its content (the
/// outbox holds ciphertext only; not even this tool can read it back). <c>--export KEY --out FILE</c> copies
/// one sealed envelope to a file to carry by hand; <c>--drop KEY</c> removes one.</summary>
static class OutboxCommand
{
    public static Command Create()
    {
        var export = new Option<string>("--export") { Description = UiText.Get("Help_outbox_export") };
        var output = new Option<string>("--out") { Description = UiText.Get("Help_outbox_out") };
        var drop = new Option<string>("--drop") { Description = UiText.Get("Help_outbox_drop") };
        var command = new Command("outbox", UiText.Get("Help_outbox")) { export, output, drop };
        command.SetAction(result => CommonOptions.Guard(() =>
        {
            var (home, _) = CommonOptions.Start(result);
            var outbox = new ReportOutbox(home.OutboxDirectory);
            var (exportKey, outPath, dropKey) = (result.GetValue(export), result.GetValue(output), result.GetValue(drop));
            if (exportKey is not null && dropKey is not null)
                throw new ToolException(UiText.Get("OutboxExportOrDrop"));
            if (exportKey is not null)
                return Export(outbox, exportKey, outPath ?? throw new ToolException(UiText.Get("OutboxExportNeedsOut")));
            if (outPath is not null)
                throw new ToolException(UiText.Get("OutboxOutNeedsExport"));
            if (dropKey is not null)
                return Drop(outbox, dropKey);
            return List(outbox);
        }));
        return command;
    }

    static int List(ReportOutbox outbox)
    {
        var entries = outbox.List();
        if (entries.Count == 0)
        {
            Console.Error.WriteLine($"report: {UiText.Get("OutboxEmpty")}");
            return 0;
        }
        foreach (var entry in entries)
            Console.Out.WriteLine(string.Join("  ",
                entry.IdempotencyKey,
                entry.Queued.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                CommonOptions.Size(entry.Size),
                $"roster v{entry.RosterVersion}",
                entry.RosterRefused ? UiText.Get("OutboxRosterRefused") : entry.TooLarge ? UiText.Get("OutboxTooLarge") : entry.Problem ?? ""));
        Console.Error.WriteLine($"report: {UiText.Count("OutboxCount", entries.Count)}");
        foreach (var refused in entries.Where(e => e.RosterRefused))
        {
            Console.Error.WriteLine($"report: {UiText.Format("RosterRefused", refused.IdempotencyKey, refused.RosterVersion)}");
            SendCommand.PrintRosterRefusedHints(refused);
        }
        foreach (var tooLarge in entries.Where(e => e.TooLarge))
            SendCommand.PrintTooLarge(tooLarge);
        return 0;
    }

    static int Export(ReportOutbox outbox, string key, string path)
    {
        var entry = outbox.Find(key) ?? throw new ToolException(UiText.Format("OutboxNoSuchEntry", key));
        if (File.Exists(path) || Directory.Exists(path))
            throw new ToolException(UiText.Format("ExportExists", path));
        // The envelope as it is: the same ciphertext the server was offered, readable by the reviewers it was sealed to.
        File.Copy(outbox.EnvelopePath(entry), path, overwrite: false);
        Console.Error.WriteLine($"report: {UiText.Format("OutboxExported", key, path, CommonOptions.Size(entry.Size), entry.RosterVersion)}");
        return ExitCode.Delivered;
    }

    static int Drop(ReportOutbox outbox, string key)
    {
        var entry = outbox.Find(key) ?? throw new ToolException(UiText.Format("OutboxNoSuchEntry", key));
        outbox.Remove(entry);
        Console.Error.WriteLine($"report: {UiText.Format("OutboxDropped", key)}");
        return ExitCode.Delivered;
    }
}
