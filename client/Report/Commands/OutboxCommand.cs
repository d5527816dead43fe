using System.CommandLine;
using System.Globalization;
using Reporting.Report.Outbox;
using Reporting.Report.Text;

namespace Reporting.Report.Commands;

/// <summary><c>report outbox</c>: what is waiting, without revealing anything of its content (the
/// outbox holds ciphertext only; not even this tool can read it back).</summary>
static class OutboxCommand
{
    public static Command Create()
    {
        var command = new Command("outbox", "List the reports waiting to be sent (sizes and dates only)");
        command.SetAction(result => CommonOptions.Guard(() =>
        {
            var (home, _) = CommonOptions.Start(result);
            var entries = new ReportOutbox(home.OutboxDirectory).List();
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
                    UiText.Format("Attempts", entry.Attempts),
                    entry.Problem ?? ""));
            Console.Error.WriteLine($"report: {UiText.Format("OutboxCount", entries.Count)}");
            return 0;
        }));
        return command;
    }
}
