using Microsoft.Extensions.Options;
using Reporting.Format.Keys;
using Reporting.Format.Protocol;
using Reporting.Server.Rosters;

namespace Reporting.Server.Reports;

/// <summary>The key the server signs its receipts with (docs/DESIGN.md D3): an online key, like the TLS key, kept
/// in a file of its own (<c>Reporting:ReceiptKeyFile</c>, owner-only), made at the first start. The organisation
/// lists its public half in the roster; clients then believe a 201 only with a receipt it signed. Whoever holds
/// the server holds this key too: a receipt proves the answer came from the server, not that it keeps the report.</summary>
public sealed class ReceiptKey(IOptions<ReportingOptions> options, RosterBook roster, TimeProvider clock, ILogger<ReceiptKey> log) : IDisposable
{
    public const string DefaultFile = "receipt.key";

    SigningKey? _key;

    SigningKey Key => _key ?? throw new InvalidOperationException("The receipt key is not loaded.");

    public PublicSigningKey PublicKey => Key.PublicKey;

    string Path => string.IsNullOrEmpty(options.Value.ReceiptKeyFile)
        ? System.IO.Path.Combine(options.Value.DataDir, DefaultFile)
        : options.Value.ReceiptKeyFile;

    /// <summary>At start-up: reads the key, or makes it; says in the log which key signs and whether the roster lists it.</summary>
    public void Load()
    {
        if (File.Exists(Path))
        {
            _key = SigningKey.Import(File.ReadAllText(Path));
            if (_key.Kind != SigningKeyKind.Receipt)
                throw new FormatException($"{Path} holds another kind of key than a receipt key");
        }
        else
        {
            _key = SigningKey.Generate(SigningKeyKind.Receipt);
            using var file = new FileStream(Path, DataFolder.PrivateNewFile(FileAccess.Write));
            file.Write(System.Text.Encoding.ASCII.GetBytes(_key.Export() + "\n"));
            file.Flush(flushToDisk: true);
        }
        var listed = roster.Current.Roster.ReceiptKey;
        if (listed == PublicKey.ToString())
            log.LogInformation("Receipts are signed with {ReceiptKey}, which the roster lists.", PublicKey);
        else if (listed is null)
            // The organisation's choice (or a roster from before receipts): clients believe a 201 as they did, on TLS or
            // the onion address alone. Worth saying, not worth a warning at every start.
            log.LogInformation("Receipts are signed with {ReceiptKey}, which the roster in force does not list: clients believe " +
                "deliveries without checking them. To have them check, sign a roster with review org sign --receipt-key {ReceiptKey}.",
                PublicKey, PublicKey);
        else
            // Clients that hold this roster refuse every 201 this server gives: every report stays queued.
            log.LogWarning("Receipts are signed with {ReceiptKey}, which the roster in force does not list (it lists {Listed}): " +
                "clients keep their reports queued. Have the organisation sign a roster with review org sign --receipt-key {ReceiptKey}, " +
                "or give this server the key the roster lists (Reporting:ReceiptKeyFile).",
                PublicKey, listed, PublicKey);
    }

    /// <summary>The 201's body: the id, today's day and the receipt over them and the envelope's SHA-256.</summary>
    public SubmittedReport Issue(string id, ReadOnlySpan<byte> sha256)
    {
        var day = WireDay.Of(DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        return new SubmittedReport(id, day, Receipts.Sign(Key, id, Convert.ToHexStringLower(sha256), day));
    }

    public void Dispose() => _key?.Dispose();
}
