using System.Net;
using System.Net.Http.Json;
using Reporting.Cli.Network;
using Reporting.Format.Protocol;

namespace Reporting.Client.Tests.Infrastructure;

/// <summary>The reviewer routes, called directly with signed requests (PROTOCOL.md): what a test uses to
/// see what the server really holds, independently of the review tool.</summary>
public sealed class ReviewerApi(Uri server, TestReviewer reviewer) : IDisposable
{
    readonly HttpClient client = ServerConnection.Create(server, proxy: null, TimeSpan.FromSeconds(30));

    public IReadOnlyList<ListedReport> List()
    {
        using var response = client.SendSignedAsync(reviewer.AccessKey, HttpMethod.Get, Routes.Reports, null, CancellationToken.None).GetAwaiter().GetResult();
        if (response.StatusCode != HttpStatusCode.OK)
            throw new HttpRequestException($"listing reports: HTTP {(int)response.StatusCode}");
        return response.Content.ReadFromJsonAsync<ReportList>().GetAwaiter().GetResult()!.Reports;
    }

    public byte[] Fetch(string id)
    {
        using var response = client.SendSignedAsync(reviewer.AccessKey, HttpMethod.Get, Routes.Report(id), null, CancellationToken.None).GetAwaiter().GetResult();
        if (response.StatusCode != HttpStatusCode.OK)
            throw new HttpRequestException($"fetching {id}: HTTP {(int)response.StatusCode}");
        return response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
    }

    /// <summary>Posts a reply (an age file sealed to the report's reply recipient) for a mailbox.</summary>
    public void PostReply(string mailbox, byte[] envelope)
    {
        using var response = client.SendSignedAsync(reviewer.AccessKey, HttpMethod.Post, Routes.Replies(mailbox), envelope, CancellationToken.None).GetAwaiter().GetResult();
        if (response.StatusCode != HttpStatusCode.Created)
            throw new HttpRequestException($"posting a reply: HTTP {(int)response.StatusCode}");
    }

    public void Dispose() => client.Dispose();
}
