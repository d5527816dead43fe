using System.Diagnostics;
using System.Formats.Tar;
using System.Text;
using System.Text.Json;

namespace Reporting.Testing;

/// <summary>A report as an independent reader sees it: the stock <c>age</c> binary decrypts, .NET's tar
/// reader unpacks. Nothing of the project's own decryption code is involved.</summary>
public sealed record OpenedReport(JsonElement Document, IReadOnlyDictionary<string, byte[]> Attachments, byte[] Plaintext)
{
    public string Text => Document.GetProperty("text").GetString()!;
}

/// <summary>The stock age tools (/usr/bin/age, age-keygen): keys and envelopes made and opened by an
/// independent implementation.</summary>
public static class StockAge
{
    /// <summary>A new key pair from age-keygen: the identity (AGE-SECRET-KEY-1…) and its recipient (age1…).</summary>
    public static (string Identity, string Recipient) KeyGen()
    {
        var text = Encoding.ASCII.GetString(Run("age-keygen", [], []));
        var recipient = text.Split('\n').Single(l => l.StartsWith("# public key: ", StringComparison.Ordinal))["# public key: ".Length..].Trim();
        var identity = text.Split('\n').Single(l => l.StartsWith("AGE-SECRET-KEY-1", StringComparison.Ordinal)).Trim();
        return (identity, recipient);
    }

    /// <summary>Seals <paramref name="plaintext"/> to <paramref name="recipients"/> (age1…), as a source's
    /// report or a reviewer's reply would be.</summary>
    public static byte[] Seal(byte[] plaintext, IEnumerable<string> recipients) =>
        Run("age", [.. recipients.SelectMany(r => new[] { "-r", r })], plaintext);

    /// <summary>Opens <paramref name="envelope"/> with <paramref name="identity"/> (AGE-SECRET-KEY-1…).</summary>
    public static byte[] Open(byte[] envelope, string identity)
    {
        using var folder = new TempFolder();
        return Run("age", ["-d", "-i", folder.Write("identity.txt", identity + "\n")], envelope);
    }

    public static byte[] Open(byte[] envelope, TestReviewer reviewer) => Open(envelope, reviewer.Identity.Export());

    public static OpenedReport OpenReport(byte[] envelope, TestReviewer reviewer)
    {
        var plaintext = Open(envelope, reviewer);
        using var tar = new TarReader(new MemoryStream(plaintext));
        JsonElement? document = null;
        var attachments = new Dictionary<string, byte[]>();
        while (tar.GetNextEntry() is { } entry)
        {
            using var data = new MemoryStream();
            entry.DataStream?.CopyTo(data);
            if (entry.Name == "report.json")
                document = JsonDocument.Parse(data.ToArray()).RootElement.Clone();
            else if (entry.Name.StartsWith("attachments/", StringComparison.Ordinal))
                attachments[entry.Name["attachments/".Length..]] = data.ToArray();
        }
        return new OpenedReport(document ?? throw new InvalidDataException("no report.json"), attachments, plaintext);
    }

    internal static byte[] Run(string tool, IEnumerable<string> arguments, byte[] input)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        var error = process.StandardError.ReadToEndAsync();
        process.StandardInput.BaseStream.Write(input);
        process.StandardInput.Close();
        copy.GetAwaiter().GetResult();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{tool} failed: {error.Result}");
        return output.ToArray();
    }
}
