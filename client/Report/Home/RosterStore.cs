using System.Net;
using Reporting.Cli;
using Reporting.Format.IO;
using Reporting.Format.Keys;
using Reporting.Format.Protocol;
using Reporting.Format.Rosters;
using Reporting.Report.Delivery;
using Reporting.Report.Text;

namespace Reporting.Report.Home;

/// <summary>Keeps the verified roster (D3): fetched from the server or carried in by hand, checked against
/// the pinned organisation key, and never older than the newest one seen.</summary>
static class RosterStore
{
    /// <summary>A roster file is small; anything much larger is not one.</summary>
    const int MaxRosterBytes = 1 << 20;

    public static PublicSigningKey ParseOrganisation(string text)
    {
        if (!PublicSigningKey.TryParse(text.Trim(), out var key) || key!.Kind != SigningKeyKind.Organisation)
            throw new ToolException(UiText.Get("BadOrgKey"), UiText.Get("HintOrgKey"));
        return key;
    }

    /// <summary>Verifies the roster <paramref name="bytes"/> and, when it asks for one, its freshness statement
    /// (docs/DESIGN.md D3), stores both and raises the version seen. Throws a <see cref="ToolException"/> that says in
    /// plain words why a roster is refused. <paramref name="minimumVersion"/>: the lowest an invite accepts.</summary>
    public static SignedRoster Accept(ReportHome home, ReportConfig config, byte[] bytes, byte[]? freshness, int minimumVersion = 0)
    {
        var heldFreshness = File.Exists(home.FreshnessPath) ? QuietRead.AllBytes(home.FreshnessPath) : null;
        freshness = Newest(bytes, config, freshness, heldFreshness);
        var roster = Verify(bytes, freshness, config);
        if (roster.Roster.Version < minimumVersion)
            throw new ToolException(UiText.Format("RosterBelowInvite", roster.Roster.Version, minimumVersion), UiText.Get("HintRosterTampered"));
        var held = File.Exists(home.RosterPath) ? QuietRead.AllBytes(home.RosterPath) : null;
        if (held is not null && config.RosterVersion > 0)
        {
            try
            {
                SignedRoster.RefuseVersionReuse(roster, config.RosterVersion, held);
            }
            catch (RosterException e)
            {
                throw Explain(e);
            }
        }
        // Written only when they changed: every write would date this computer's last contact with the server.
        home.Create();
        WriteIfChanged(home.RosterPath, held, roster.FileBytes);
        if (roster.Roster.FreshnessKey is not null)
            WriteIfChanged(home.FreshnessPath, heldFreshness, freshness!);
        home.SaveConfig(config with { RosterVersion = roster.Roster.Version });
        return roster;
    }

    /// <summary>The newer of the statement at hand and the one kept, for this roster (a statement kept for another
    /// roster never verifies for this one, so the one at hand is then taken).</summary>
    static byte[]? Newest(byte[] rosterBytes, ReportConfig config, byte[]? atHand, byte[]? kept)
    {
        if (kept is null)
            return atHand;
        try
        {
            return SignedFreshness.Newest(SignedRoster.Verify(rosterBytes, ParseOrganisation(config.Organisation), DateOnly.FromDateTime(DateTime.UtcNow), config.RosterVersion), atHand, kept);
        }
        catch (Exception e) when (e is RosterException or FormatException or System.Text.Json.JsonException or ArgumentException)
        {
            return atHand; // the roster itself is refused below, with the reason
        }
    }

    static void WriteIfChanged(string path, byte[]? held, byte[] bytes)
    {
        if (held is null || !held.AsSpan().SequenceEqual(bytes))
            AtomicFile.Write(path, bytes, replace: true);
    }

    static SignedRoster LoadStored(ReportHome home, ReportConfig config, bool sealing)
    {
        if (!File.Exists(home.RosterPath))
            throw new ToolException(UiText.Get("NoRoster"), UiText.Get("HintRunInit"));
        return Verify(QuietRead.AllBytes(home.RosterPath), File.Exists(home.FreshnessPath) ? QuietRead.AllBytes(home.FreshnessPath) : null, config, rosterOnly: !sealing);
    }

    /// <summary>The roster, and its freshness statement when it lists a freshness key (<paramref name="freshness"/>
    /// null: check the roster alone).</summary>
    static SignedRoster Verify(byte[] bytes, byte[]? freshness, ReportConfig config, bool rosterOnly = false)
    {
        var organisation = ParseOrganisation(config.Organisation);
        try
        {
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var roster = SignedRoster.Verify(bytes, organisation, today, config.RosterVersion);
            if (roster.Roster.Reviewers.Count == 0)
                throw new RosterException(RosterFailure.Malformed, "no reviewers");
            if (!rosterOnly)
                SignedFreshness.Require(roster, freshness, today);
            return roster;
        }
        catch (RosterException e)
        {
            throw Explain(e);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or ArgumentException)
        {
            throw Explain(new RosterException(RosterFailure.Malformed, e.Message));
        }
    }

    /// <summary>The roster to seal to, and to check receipts by: fetched afresh when there is a channel; when
    /// there is none, or fetching fails, the one kept from before, which was verified just the same. Only to check
    /// receipts (<paramref name="sealing"/> false: nothing is sealed to it) a kept roster whose freshness statement
    /// has lapsed still serves, so reports sealed while it was current are not stranded in the outbox.</summary>
    public static SignedRoster Current(ReportHome home, ReportConfig config, Channel? channel, DeliveryPolicy policy, bool sealing = true)
    {
        if (channel is not null)
        {
            try
            {
                return Fetch(home, config, channel, policy with { MaxAttempts = 2 }, CancellationToken.None);
            }
            catch (ToolException e)
            {
                Console.Error.WriteLine($"report: {UiText.Format("RosterNotRefreshed", e.Message)}");
            }
        }
        return LoadStored(home, config, sealing);
    }

    /// <summary>Fetches the roster from the server, and its freshness statement over the same connection when the
    /// roster asks for one, and accepts them.</summary>
    public static SignedRoster Fetch(ReportHome home, ReportConfig config, Channel channel, DeliveryPolicy policy, CancellationToken cancellationToken, int minimumVersion = 0)
    {
        using var client = channel.CreateClient();
        var pipeline = policy.Build(MaxRosterBytes, policy.Breaker(), problem => Console.Error.WriteLine($"report: {UiText.Format("RetryingAfter", problem)}"));
        byte[] bytes;
        byte[]? freshness;
        try
        {
            bytes = Download(client, pipeline, Routes.Roster, MaxRosterBytes, cancellationToken, answer => ServerLimits.Remember(home, answer))
                ?? throw new ToolException(UiText.Format("RosterFetchFailed", "HTTP 404"), UiText.Get("HintCheckServer"));
            // Checked before the statement is asked for: a roster that lists no freshness key needs none (nor a request).
            freshness = Verify(bytes, null, config, rosterOnly: true).Roster.FreshnessKey is null
                ? null
                : Download(client, pipeline, Routes.RosterFreshness, SignedFreshness.MaxFileBytes, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or Polly.Timeout.TimeoutRejectedException or System.Net.Sockets.SocketException or Polly.CircuitBreaker.BrokenCircuitException)
        {
            throw new ToolException(UiText.Format("RosterFetchFailed", NetworkProblem.Describe(e)),
                channel.Proxy is null ? UiText.Get("HintCheckServer") : UiText.Get("HintCheckProxy"));
        }
        return Accept(home, config, bytes, freshness, minimumVersion);
    }

    /// <summary>GETs <paramref name="route"/>'s body, to <paramref name="maxBytes"/>; null for a 404.</summary>
    /// <param name="answered">Sees the answer's headers (the roster's carry the server's limits).</param>
    static byte[]? Download(HttpClient client, Polly.ResiliencePipeline<HttpResponseMessage> pipeline, string route, int maxBytes, CancellationToken cancellationToken,
        Action<HttpResponseMessage>? answered = null)
    {
        using var response = pipeline.ExecuteAsync(async token =>
        {
            var answer = await client.GetAsync(Routes.Relative(route), HttpCompletionOption.ResponseHeadersRead, token);
            // The body too within the attempt's deadline, to a bound: a server may send headers and then trickle.
            try
            {
                if (answer.IsSuccessStatusCode && !(answer.Content.Headers.ContentLength > maxBytes))
                    await answer.Content.LoadIntoBufferAsync(maxBytes, token);
            }
            catch
            {
                answer.Dispose();
                throw;
            }
            return answer;
        }, cancellationToken).AsTask().GetAwaiter().GetResult();
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        if (response.StatusCode != HttpStatusCode.OK)
            throw new ToolException(UiText.Format("RosterFetchFailed", $"HTTP {(int)response.StatusCode}"), UiText.Get("HintCheckServer"));
        answered?.Invoke(response);
        if (response.Content.Headers.ContentLength > maxBytes)
            throw Explain(new RosterException(RosterFailure.Malformed, "too large"));
        using var body = response.Content.ReadAsStream(cancellationToken);
        using var copy = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = body.Read(buffer)) > 0)
        {
            if (copy.Length + read > maxBytes)
                throw Explain(new RosterException(RosterFailure.Malformed, "too large"));
            copy.Write(buffer, 0, read);
        }
        return copy.ToArray();
    }

    /// <summary>Why a roster was refused, in words for someone who has never heard of signatures.</summary>
    public static ToolException Explain(RosterException e) => e.Failure switch
    {
        RosterFailure.Unsigned => new ToolException(UiText.Get("RosterUnsigned"), UiText.Get("HintRosterTampered")),
        RosterFailure.BadSignature => new ToolException(UiText.Get("RosterBadSignature"), UiText.Get("HintRosterTampered"), UiText.Get("HintOrgKey")),
        RosterFailure.WrongOrganisation => new ToolException(UiText.Get("RosterWrongOrganisation"), UiText.Get("HintOrgKey")),
        RosterFailure.Expired => new ToolException(UiText.Get("RosterExpired"), UiText.Get("HintRosterExpired")),
        RosterFailure.NotYetValid => new ToolException(UiText.Get("RosterNotYetValid"), UiText.Get("HintClock")),
        RosterFailure.Rollback => new ToolException(UiText.Get("RosterRollback"), UiText.Get("HintRosterTampered")),
        RosterFailure.VersionReused => new ToolException(UiText.Get("RosterVersionReused"), UiText.Get("HintRosterTampered")),
        RosterFailure.FreshnessLapsed => new ToolException(
            UiText.Format("RosterFreshnessLapsed", $"{e.Freshness?.Made:yyyy-MM-dd}", $"{e.Freshness?.Lapsed:yyyy-MM-dd}", e.Version), UiText.Get("HintRosterFreshnessLapsed")),
        RosterFailure.FreshnessMissing => new ToolException(UiText.Get("RosterFreshnessMissing"), UiText.Get("HintRosterFreshnessLapsed")),
        RosterFailure.FreshnessInvalid => new ToolException(UiText.Get("RosterFreshnessInvalid"), UiText.Get("HintRosterTampered")),
        RosterFailure.FreshnessMismatch => new ToolException(UiText.Get("RosterFreshnessMismatch"), UiText.Get("HintRosterTampered")),
        _ => new ToolException(UiText.Get("RosterMalformed"), UiText.Get("HintCheckServer")),
    };
}
