using System.Net;
using System.Text;
using Reporting.Cli.Network;
using Reporting.Format.Age;
using Reporting.Format.Codenames;
using Reporting.Format.Protocol;
using Reporting.Format.Replies;
using Reporting.Report.Delivery;

namespace Reporting.Report.Replies;

/// <summary>A source's mailbox on the server: listed and read with requests signed by the mailbox key
/// (D5, D10). Replies are opened in memory with the reply identities; nothing is written anywhere.</summary>
sealed class Mailbox(HttpClient client, CodenameKeys keys)
{
    /// <summary>A reply is a short text; a much larger one is not worth holding in memory.</summary>
    public const long MaxReplyBytes = 4 << 20;

    string MailboxPath => Routes.Relative(Routes.Replies(keys.MailboxKey.PublicKey.ToString()));

    public async Task<IReadOnlyList<ListedReply>> ListAsync(CancellationToken token)
    {
        using var response = await SendAsync(MailboxPath, token);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return [];
        response.EnsureSuccessStatusCode();
        var bytes = await ServerConnection.ReadBoundedAsync(response.Content, ServerConnection.MaxBufferedAnswerBytes, token)
            ?? throw new InvalidDataException("the list of answers is too long");
        var listing = System.Text.Json.JsonSerializer.Deserialize(bytes, ProtocolJson.Default.ReplyList);
        return listing?.Replies ?? [];
    }

    /// <summary>The reply's text, or null when it cannot be opened with this codename.</summary>
    public async Task<string?> ReadAsync(ListedReply reply, CancellationToken token)
    {
        if (reply.Id is not { Length: > 0 and <= 64 } id || !id.All(char.IsAsciiLetterOrDigit))
            return null;
        using var response = await SendAsync($"{MailboxPath}/{reply.Id}", token);
        response.EnsureSuccessStatusCode();
        var ciphertext = await ServerConnection.ReadBoundedAsync(response.Content, MaxReplyBytes, token)
            ?? throw new InvalidDataException("reply too large");
        try
        {
            // Either kind: answers to reports sealed to a classic roster are X25519, to a hybrid one post-quantum.
            using var plaintext = AgeFile.Open(new MemoryStream(ciphertext), [keys.HybridReplyIdentity, keys.ReplyIdentity]);
            using var buffer = new MemoryStream();
            plaintext.CopyTo(buffer);
            var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
            try
            {
                return ReplyText.Read(bytes);
            }
            finally
            {
                bytes.Clear();
            }
        }
        catch (AgeException)
        {
            return null;
        }
    }

    /// <summary>Deletes a reply from the server once read: true when it is gone (deleted now or before).</summary>
    public async Task<bool> DeleteAsync(ListedReply reply, CancellationToken token)
    {
        if (reply.Id is not { Length: > 0 and <= 64 } id || !id.All(char.IsAsciiLetterOrDigit))
            return false;
        using var response = await SendAsync($"{MailboxPath}/{id}", token, HttpMethod.Delete);
        return response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.OK or HttpStatusCode.NotFound;
    }

    async Task<HttpResponseMessage> SendAsync(string relative, CancellationToken token, HttpMethod? method = null)
    {
        // Signed for the path as sent, which keeps a prefix in the server address (https://host/reporting/).
        var uri = new Uri(client.BaseAddress!, relative);
        using var request = RequestSignature.CreateRequest(keys.MailboxKey, method ?? HttpMethod.Get, uri.PathAndQuery, null, DateTimeOffset.UtcNow);
        request.RequestUri = uri;
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
    }
}
