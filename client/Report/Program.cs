using System.CommandLine;
using Reporting.Cli;
using Reporting.Report.Commands;

// report: the sources' and intermediaries' tool. Each subcommand lives in its own file under Commands/.
var root = new RootCommand("report: send an encrypted report to the reviewers");
root.Subcommands.Add(SealCommand.Create());
return ToolRunner.Run("report", root, args);
