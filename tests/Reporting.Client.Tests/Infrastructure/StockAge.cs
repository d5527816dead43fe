using System.Diagnostics;
using System.Formats.Tar;
using System.Text.Json;

namespace Reporting.Client.Tests.Infrastructure;

/// <summary>A report as an independent reader sees it: the stock <c>age</c> binary decrypts, .NET's tar
/// reader unpacks. Nothing of the project's own decryption code is involved.</summary>
public sealed record OpenedReport(JsonElement Document, IReadOnlyDictionary<string, byte[]> Attachments, byte[] Plaintext)
{
    public string Text => Document.GetProperty("text").GetString()!;
}

public static class StockAge
{
    public static OpenedReport OpenReport(byte[] envelope, TestReviewer reviewer)
    {
        var plaintext = Decrypt(envelope, reviewer);
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

    public static byte[] Decrypt(byte[] envelope, TestReviewer reviewer)
    {
        using var folder = new TempDir();
        var identity = folder.Write("identity.txt", reviewer.Identity.Export() + "\n");
        return Run(["-d", "-i", identity], envelope);
    }

    /// <summary>Seals <paramref name="plaintext"/> to <paramref name="recipient"/> (age1…), as a reviewer's reply would be.</summary>
    public static byte[] Encrypt(byte[] plaintext, string recipient) => Run(["-r", recipient], plaintext);

    static byte[] Run(IEnumerable<string> arguments, byte[] input)
    {
        var start = new ProcessStartInfo("age")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        var error = process.StandardError.ReadToEndAsync();
        process.StandardInput.BaseStream.Write(input);
        process.StandardInput.Close();
        process.WaitForExit();
        copy.GetAwaiter().GetResult();
        if (process.ExitCode != 0)
            throw new InvalidDataException($"age failed: {error.Result}");
        return output.ToArray();
    }
}
