using System.CommandLine;
using Reporting.Cli;
using Reporting.Cli.Network;
using Reporting.Report.Delivery;
using Reporting.Report.Home;
using Reporting.Report.Outbox;
using Reporting.Report.Text;

namespace Reporting.Report.Commands;

/// <summary><c>report send</c>: tries again to deliver everything in the outbox.</summary>
static class SendCommand
{
    /// <summary>At most a minute between two reports: long enough that a watching server cannot tell they came
    /// together, short enough for a source who waits at the keyboard.</summary>
    const int DefaultPauseSeconds = 60;

    public static Command Create()
    {
        var proxy = CommonOptions.Proxy(UiText.Get("Help_proxy_once"));
        var pause = new Option<int>("--pause")
        {
            Description = UiText.Get("Help_send_pause"),
            DefaultValueFactory = _ => DefaultPauseSeconds,
        };
        var command = new Command("send", UiText.Get("Help_send"))
        {
            proxy, pause, CommonOptions.ReceiptFile, CommonOptions.Timeout, CommonOptions.Attempts,
        };
        command.SetAction(result => CommonOptions.Guard(() =>
        {
            var (home, loaded) = CommonOptions.Start(result);
            var config = loaded ?? home.LoadConfig();
            var channel = Channel.Create(config.Server, result.GetValue(proxy) ?? config.Proxy);
            var outbox = new ReportOutbox(home.OutboxDirectory);
            var entries = outbox.List();
            if (entries.Count == 0)
            {
                Console.Error.WriteLine($"report: {UiText.Get("OutboxEmpty")}");
                return ExitCode.Delivered;
            }

            var most = result.GetValue(pause);
            if (most is < 0 or > 3600)
                throw new ToolException(UiText.Format("BadNumber", "--pause", 0, 3600));
            // The roster says whose receipts to believe: the current one, else the one kept from before (even if its
            // freshness lapsed since: these envelopes were sealed while it was current, and nothing is sealed here);
            // the server's envelope limit comes with it. Not fetched when nothing will be offered (every entry final):
            // no connection for nothing.
            Courier? courier = null;
            if (!entries.All(e => e.Final))
            {
                var roster = RosterStore.Current(home, config, channel, CommonOptions.Policy(result), sealing: false).Roster;
                courier = new Courier(channel, outbox, CommonOptions.Policy(result) with { MaxEnvelopeBytes = ServerLimits.MaxEnvelopeBytes(home) },
                    DeliveryReceipts.For(roster, result.GetValue(CommonOptions.ReceiptFile)));
            }
            var status = ExitCode.Delivered;
            var sent = false;
            for (var i = 0; i < entries.Count; i++)
            {
                // Each report over its own connection and circuit (Courier), and not in one burst either: a
                // server that saw them arrive together could tell they come from one person.
                if (sent && !entries[i].Final && Spacing.Between(TimeSpan.FromSeconds(most)) is { } wait && wait > TimeSpan.Zero)
                {
                    Console.Error.WriteLine($"report: {UiText.Format("PausingBetween", (int)Math.Ceiling(wait.TotalSeconds))}");
                    Thread.Sleep(wait);
                }
                // Refused for its roster version or its size: another try would only cost a proof of work and a connection.
                var delivery = entries[i].Final
                    ? new DeliveryResult(entries[i].TooLarge ? DeliveryOutcome.TooLarge : DeliveryOutcome.RosterRefused, null, entries[i].Problem)
                    : courier!.Deliver(entries[i], CancellationToken.None);
                sent |= !entries[i].Final;
                var printed = Print(delivery, entries[i]);
                if (printed == ExitCode.Queued || (printed == ExitCode.Failed && status == ExitCode.Delivered))
                    status = printed;
                if (delivery.Outcome == DeliveryOutcome.Unreachable)
                {
                    Console.Error.WriteLine($"report: {UiText.Count("StoppedUnreachable", entries.Count - i - 1)}");
                    break;
                }
            }
            return status;
        }));
        return command;
    }

    /// <summary>Says what became of one envelope: the id on stdout when delivered, the reason on stderr when not.</summary>
    public static int Print(DeliveryResult delivery, OutboxEntry entry)
    {
        switch (delivery.Outcome)
        {
            case DeliveryOutcome.Delivered:
                Console.Error.WriteLine($"report: {UiText.Get("Delivered")}");
                Console.Out.WriteLine($"id: {delivery.ReportId}");
                return ExitCode.Delivered;
            case DeliveryOutcome.Refused:
                Console.Error.WriteLine($"report: {UiText.Format("Refused", entry.IdempotencyKey, delivery.Problem)}");
                Console.Error.WriteLine(UiText.Hint(UiText.Get("HintRefused")));
                Console.Out.WriteLine($"queued: {entry.IdempotencyKey}");
                return ExitCode.Queued;
            case DeliveryOutcome.TooLarge:
                PrintTooLarge(entry);
                Console.Out.WriteLine($"refused: {entry.IdempotencyKey}");
                return ExitCode.Failed;
            case DeliveryOutcome.RosterRefused:
                Console.Error.WriteLine($"report: {UiText.Format("RosterRefused", entry.IdempotencyKey, entry.RosterVersion)}");
                PrintRosterRefusedHints(entry);
                Console.Out.WriteLine($"refused: {entry.IdempotencyKey}");
                return ExitCode.Failed;
            default:
                Console.Error.WriteLine($"report: {UiText.Format("Queued", delivery.Problem)}");
                Console.Error.WriteLine(UiText.Hint(UiText.Get("HintQueued")));
                Console.Out.WriteLine($"queued: {entry.IdempotencyKey}");
                return ExitCode.Queued;
        }
    }

    /// <summary>A final error, said once with what the source can still do: carry it by hand, or write it again smaller.</summary>
    public static void PrintTooLarge(OutboxEntry entry)
    {
        Console.Error.WriteLine(UiText.Error(UiText.Format("EnvelopeRefusedTooLarge", entry.IdempotencyKey, UiText.Size(entry.Size, roundUp: true))));
        Console.Error.WriteLine(UiText.Hint(UiText.Format("HintTooLargeCarry", entry.IdempotencyKey)));
        Console.Error.WriteLine(UiText.Hint(UiText.Format("HintTooLargeRewrite", entry.IdempotencyKey)));
    }

    /// <summary>What a source can still do with an envelope the server will not take: carry it as it is to a
    /// reviewer who still holds the key it was sealed to, or write the report again and drop this one.</summary>
    public static void PrintRosterRefusedHints(OutboxEntry entry)
    {
        Console.Error.WriteLine(UiText.Hint(UiText.Format("HintRosterRefusedCarry", entry.IdempotencyKey, entry.RosterVersion)));
        Console.Error.WriteLine(UiText.Hint(UiText.Format("HintRosterRefusedRewrite", entry.IdempotencyKey)));
    }
}
