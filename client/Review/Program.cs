using System.CommandLine;
using Reporting.Cli;
using Reporting.Review.Commands;

// review: the reviewers' tool. Each subcommand lives in its own file under Commands/,
// listed in the order a team meets them: keys and roster, then the online and offline rounds.
var root = new RootCommand("review: reviewers' tool for the anonymous reporting service");
root.Subcommands.Add(KeygenCommand.Create());
root.Subcommands.Add(OrgCommand.Create());
root.Subcommands.Add(FetchCommand.Create());
root.Subcommands.Add(DecryptCommand.Create());
root.Subcommands.Add(MarkCommand.Create());
root.Subcommands.Add(ReplyCommand.Create());
root.Subcommands.Add(PushCommand.Create());
root.Subcommands.Add(OpenCommand.Create());
return ToolRunner.Run("review", root, args);
