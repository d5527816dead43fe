using System.Text;
using Reporting.Format.Age;
using Reporting.Format.Keys;

namespace Reporting.Format.Invites;

/// <summary>Everything <c>report init</c> needs in one checksummed string (<c>reportinvite1…</c>), so that no
/// source types a key: the server's address, the organisation key to pin and, optionally, the proxy. Bech32
/// like the keys, so a wrong or missing character is caught. It is not signed: the key it carries is the one
/// that would check a signature, so an invite is exactly as trustworthy as the channel it came by
/// (threat-model.md). Layout in PROTOCOL.md, "Invite".</summary>
/// <param name="MinRosterVersion">The lowest roster version <c>report init</c> accepts, or null: a server that serves an
/// older roster than the organisation had signed when it handed out the invite is replaying it.</param>
public sealed record Invite(string Server, PublicSigningKey Organisation, string? Proxy, int? MinRosterVersion = null)
{
    public const string Prefix = "reportinvite";
    /// <summary>Version 1 ends with the proxy; version 2 adds the minimum roster version. An invite without a
    /// minimum is still written as version 1, so tools that predate version 2 read it.</summary>
    const byte Version = 1;
    const byte VersionWithMinimum = 2;
    const int KeySize = 32;
    /// <summary>A length is one byte; an address longer than this is not one worth typing either.</summary>
    const int MaxTextBytes = 255;

    /// <summary>Lowercase, to paste; <see cref="ToQrText"/> gives the uppercase form a QR code stores more compactly.</summary>
    public override string ToString() => Bech32.Encode(Prefix, Payload());

    /// <summary>Uppercase: a QR code's alphanumeric mode holds it in fewer modules, and Bech32 reads either case.</summary>
    public string ToQrText() => Bech32.Encode(Prefix.ToUpperInvariant(), Payload());

    /// <summary>Throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static Invite Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text) || !Bech32.TryDecode(text.Trim(), out var hrp, out var data))
            throw new FormatException("not a valid invite: a character is wrong or missing (its checksum does not match)");
        if (!string.Equals(hrp, Prefix, StringComparison.OrdinalIgnoreCase))
            throw new FormatException($"not an invite: it starts with {hrp}1…, an invite with {Prefix}1…");
        ReadOnlySpan<byte> rest = data;
        if (rest.Length < 1 || rest[0] is not (Version or VersionWithMinimum))
            throw new FormatException("this invite is of a newer kind than this tool reads: get the current report");
        var withMinimum = rest[0] == VersionWithMinimum;
        rest = rest[1..];
        if (rest.Length < KeySize || PublicSigningKey.FromBytesOrNull(SigningKeyKind.Organisation, rest[..KeySize]) is not { } organisation)
            throw new FormatException("the invite does not hold a valid organisation key");
        rest = rest[KeySize..];
        var server = ReadText(ref rest, "server address");
        var proxy = ReadText(ref rest, "proxy");
        int? minimum = null;
        if (withMinimum)
        {
            if (rest.Length < 4 || System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(rest) < 1)
                throw new FormatException("the invite's minimum roster version is cut short or not a version");
            minimum = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(rest);
            rest = rest[4..];
        }
        if (rest.Length != 0 || server.Length == 0)
            throw new FormatException("the invite is not laid out as an invite is");
        return new Invite(server, organisation, proxy.Length == 0 ? null : proxy, minimum);
    }

    byte[] Payload()
    {
        if (Organisation.Kind != SigningKeyKind.Organisation)
            throw new ArgumentException("an invite carries the organisation key", nameof(Organisation));
        if (MinRosterVersion < 1)
            throw new ArgumentException("roster versions start at 1", nameof(MinRosterVersion));
        var payload = new List<byte> { MinRosterVersion is null ? Version : VersionWithMinimum };
        payload.AddRange(Organisation.Bytes.ToArray());
        WriteText(payload, Server, nameof(Server));
        WriteText(payload, Proxy ?? "", nameof(Proxy));
        if (MinRosterVersion is { } minimum)
        {
            var bytes = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes, minimum);
            payload.AddRange(bytes);
        }
        return [.. payload];
    }

    static void WriteText(List<byte> payload, string text, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length > MaxTextBytes)
            throw new ArgumentException($"longer than {MaxTextBytes} bytes", name);
        payload.Add((byte)bytes.Length);
        payload.AddRange(bytes);
    }

    static string ReadText(ref ReadOnlySpan<byte> rest, string what)
    {
        if (rest.Length < 1 || rest.Length < 1 + rest[0])
            throw new FormatException($"the invite's {what} is cut short");
        var bytes = rest.Slice(1, rest[0]);
        rest = rest[(1 + bytes.Length)..];
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            if (text.Any(char.IsControl))
                throw new FormatException($"the invite's {what} holds control characters");
            return text;
        }
        catch (DecoderFallbackException)
        {
            throw new FormatException($"the invite's {what} is not text");
        }
    }
}
