using System.CommandLine;
using Reporting.Cli;
using Reporting.Report.Commands;

// report: the sources' and intermediaries' tool. Each subcommand lives in its own file under Commands/.
var root = new RootCommand("report: send an encrypted report to the reviewers");
root.Options.Add(CommonOptions.Home);
root.Options.Add(CommonOptions.Language);
root.Subcommands.Add(InitCommand.Create());
root.Subcommands.Add(SubmitCommand.Create());
root.Subcommands.Add(SendCommand.Create());
root.Subcommands.Add(OutboxCommand.Create());
root.Subcommands.Add(RepliesCommand.Create());
root.Subcommands.Add(SealCommand.Create());
root.Subcommands.Add(VerifyFileCommand.Create());
return ToolRunner.Run("report", root, args);
