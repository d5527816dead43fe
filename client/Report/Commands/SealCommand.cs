using System.CommandLine;
using Reporting.Cli;
using Reporting.Report.Text;
using Reporting.Format.Age;
using Reporting.Format.IO;

namespace Reporting.Report.Commands;

/// <summary><c>report seal</c>: encrypt anything to age recipients, as a plain age file.</summary>
static class SealCommand
{
    public static Command Create()
    {
        var recipients = new Option<string[]>("--recipient", "-r") { Description = UiText.Get("Help_seal_recipient"), Required = true };
        var armor = new Option<bool>("--armor", "-a") { Description = UiText.Get("Help_seal_armor") };
        var output = new Option<string?>("--output", "-o") { Description = UiText.Get("Help_seal_output") };
        var input = new Argument<string?>("IN") { Description = UiText.Get("Help_seal_IN"), Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("seal", UiText.Get("Help_seal")) { recipients, armor, output, input };
        command.SetAction(result =>
        {
            var parsed = Parse(result.GetValue(recipients) ?? []);
            var armored = result.GetValue(armor);
            using var destination = CommandFiles.CreateOutput(result.GetValue(output), AtomicFile.Public);
            if (!armored && destination.IsTerminal)
                throw new ToolException("refusing to write binary ciphertext to the terminal", "use -o FILE, or -a for text");
            using var source = CommandFiles.OpenInput(result.GetValue(input));
            AgeFile.Seal(source, destination.Stream, parsed, armored);
            destination.Commit();
            return 0;
        });
        return command;
    }

    static List<IRecipient> Parse(string[] recipients)
    {
        List<IRecipient> parsed = [];
        for (var i = 0; i < recipients.Length; i++)
        {
            var text = recipients[i].Trim();
            // Never repeat what was typed: it might be a secret key pasted by mistake.
            if (text.StartsWith("AGE-SECRET-KEY-", StringComparison.OrdinalIgnoreCase))
                throw new ToolException($"recipient {i + 1} is a secret key, not a recipient",
                    "never share that key; give the age1… recipient that belongs to it");
            try
            {
                parsed.Add(AgeKeys.ParseRecipient(text));
            }
            catch (Exception e) when (e is AgeException or FormatException or ArgumentException)
            {
                // Only a damaged key gets the checksum hint; a key of another kind is named as such.
                throw Bech32.TryDecode(text, out _, out _)
                    ? new ToolException($"recipient {i + 1}: {e.Message}", "give an age1pq1… or age1… recipient")
                    : new ToolException($"recipient {i + 1} is not a valid age recipient",
                        "copy it again from the reviewer's entry: one wrong character breaks its checksum");
            }
        }
        var kinds = recipients.Select(r => AgeKeys.KindOf(r.Trim())).Distinct().Count();
        if (kinds > 1)
            throw new ToolException("the recipients mix post-quantum (age1pq1…) and classic (age1…) keys",
                "seal to one kind only: a classic recipient would let whoever breaks X25519 later open the file");
        return parsed;
    }
}
