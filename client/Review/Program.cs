using System.CommandLine;
using Reporting.Cli;

// review: the reviewers' tool. Each subcommand lives in its own file under Commands/.
var root = new RootCommand("review: reviewers' tool for the anonymous reporting service");
return ToolRunner.Run("review", root, args);
