using System.CommandLine;
using Reporting.Cli;
using Reporting.Report.Text;
using Reporting.Report.Commands;

// report: the sources' and intermediaries' tool. Each subcommand lives in its own file under Commands/.
// The language first: the commands' help texts are written in it.
EarlyLanguage.Apply(args);
var root = new RootCommand(UiText.Get("Help_report"));
foreach (var help in root.Options.OfType<System.CommandLine.Help.HelpOption>())
    help.Description = UiText.Get("Help_help");
root.Options.Add(CommonOptions.Home);
root.Options.Add(CommonOptions.Language);
root.Subcommands.Add(InitCommand.Create());
root.Subcommands.Add(SubmitCommand.Create());
root.Subcommands.Add(SendCommand.Create());
root.Subcommands.Add(OutboxCommand.Create());
root.Subcommands.Add(RepliesCommand.Create());
root.Subcommands.Add(SealCommand.Create());
root.Subcommands.Add(VerifyFileCommand.Create());
return ToolRunner.Run("report", root, args, () => new FailureLabels(UiText.Get("LabelError"), UiText.Get("LabelHint")));
