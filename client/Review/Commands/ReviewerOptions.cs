using System.CommandLine;
using Reporting.Cli;
using Reporting.Format.Keys;

namespace Reporting.Review.Commands;

/// <summary>Options the online commands share: where the server is, how to reach it, which access key signs.</summary>
sealed class ReviewerOptions
{
    public Option<string> Server { get; } = new("--server") { Description = "The reporting server's address", Required = true };
    public Option<FileInfo> AccessKey { get; } = new("--access-key") { Description = "Your access key file (NAME.access from review keygen)", Required = true };
    public Option<string?> Proxy { get; } = new("--proxy") { Description = "socks5://HOST:PORT (Tor) or http://HOST:PORT" };
    public Option<FileInfo?> PassphraseFile { get; } = new("--passphrase-file") { Description = "Read the access key's passphrase from this file instead of asking" };

    public void AddTo(Command command)
    {
        command.Options.Add(Server);
        command.Options.Add(AccessKey);
        command.Options.Add(Proxy);
        command.Options.Add(PassphraseFile);
    }

    /// <summary>The server and proxy addresses, checked before any key is unlocked.</summary>
    public (Uri Server, Uri? Proxy) Addresses(ParseResult result) => ParseAddresses(result.GetValue(Server)!, result.GetValue(Proxy));

    public static (Uri Server, Uri? Proxy) ParseAddresses(string server, string? proxy)
    {
        if (!Uri.TryCreate(server, UriKind.Absolute, out var serverUri))
            throw new ToolException($"{server} is not a server address", "give it as http://HOST:PORT or https://HOST");
        Uri? proxyUri = null;
        if (proxy is not null && !Uri.TryCreate(proxy, UriKind.Absolute, out proxyUri))
            throw new ToolException($"{proxy} is not a proxy address", "give it as socks5://HOST:PORT (Tor) or http://HOST:PORT");
        return (serverUri, proxyUri);
    }

    public SigningKey ReadAccessKey(ParseResult result) =>
        SigningKeys.Read(result.GetValue(AccessKey)!.FullName, result.GetValue(PassphraseFile)?.FullName,
            SigningKeyKind.Access, "create one with: review keygen --name NAME --out DIR");
}
