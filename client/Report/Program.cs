using System.CommandLine;
using Reporting.Cli;

// report: the sources' and intermediaries' tool. Each subcommand lives in its own file under Commands/.
var root = new RootCommand("report: send an encrypted report to the reviewers");
return ToolRunner.Run("report", root, args);
