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

    /// <summary>Verifies <paramref name="bytes"/>, stores them and raises the version seen. Throws a
    /// <see cref="ToolException"/> that says in plain words why a roster is refused.</summary>
    public static SignedRoster Accept(ReportHome home, ReportConfig config, byte[] bytes)
    {
        var roster = Verify(bytes, config);
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
        // Written only when it changed: every write would date this computer's last contact with the server.
        if (held is null || !held.AsSpan().SequenceEqual(roster.FileBytes))
        {
            home.Create();
            AtomicFile.Write(home.RosterPath, roster.FileBytes, replace: true);
        }
        home.SaveConfig(config with { RosterVersion = roster.Roster.Version });
        return roster;
    }

    public static SignedRoster LoadStored(ReportHome home, ReportConfig config)
    {
        if (!File.Exists(home.RosterPath))
            throw new ToolException(UiText.Get("NoRoster"), UiText.Get("HintRunInit"));
        return Verify(QuietRead.AllBytes(home.RosterPath), config);
    }

    static SignedRoster Verify(byte[] bytes, ReportConfig config)
    {
        var organisation = ParseOrganisation(config.Organisation);
        try
        {
            var roster = SignedRoster.Verify(bytes, organisation, DateOnly.FromDateTime(DateTime.UtcNow), config.RosterVersion);
            if (roster.Roster.Reviewers.Count == 0)
                throw new RosterException(RosterFailure.Malformed, "no reviewers");
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
    /// there is none, or fetching fails, the one kept from before, which was verified just the same.</summary>
    public static SignedRoster Current(ReportHome home, ReportConfig config, Channel? channel, DeliveryPolicy policy)
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
        return LoadStored(home, config);
    }

    /// <summary>Fetches the roster from the server and accepts it.</summary>
    public static SignedRoster Fetch(ReportHome home, ReportConfig config, Channel channel, DeliveryPolicy policy, CancellationToken cancellationToken)
    {
        using var client = channel.CreateClient();
        var pipeline = policy.Build(MaxRosterBytes, policy.Breaker(), problem => Console.Error.WriteLine($"report: {UiText.Format("RetryingAfter", problem)}"));
        byte[] bytes;
        try
        {
            using var response = pipeline.ExecuteAsync(async token =>
            {
                var answer = await client.GetAsync(Routes.Relative(Routes.Roster), HttpCompletionOption.ResponseHeadersRead, token);
                // The body too within the attempt's deadline, to a bound: a server may send headers and then trickle.
                try
                {
                    if (answer.IsSuccessStatusCode && !(answer.Content.Headers.ContentLength > MaxRosterBytes))
                        await answer.Content.LoadIntoBufferAsync(MaxRosterBytes, token);
                }
                catch
                {
                    answer.Dispose();
                    throw;
                }
                return answer;
            }, cancellationToken).AsTask().GetAwaiter().GetResult();
            if (response.StatusCode != HttpStatusCode.OK)
                throw new ToolException(UiText.Format("RosterFetchFailed", $"HTTP {(int)response.StatusCode}"), UiText.Get("HintCheckServer"));
            ServerLimits.Remember(home, response);
            if (response.Content.Headers.ContentLength > MaxRosterBytes)
                throw Explain(new RosterException(RosterFailure.Malformed, "too large"));
            using var body = response.Content.ReadAsStream(cancellationToken);
            using var copy = new MemoryStream();
            var buffer = new byte[8192];
            int read;
            while ((read = body.Read(buffer)) > 0)
            {
                if (copy.Length + read > MaxRosterBytes)
                    throw Explain(new RosterException(RosterFailure.Malformed, "too large"));
                copy.Write(buffer, 0, read);
            }
            bytes = copy.ToArray();
        }
        catch (Exception e) when (e is HttpRequestException or IOException or Polly.Timeout.TimeoutRejectedException or System.Net.Sockets.SocketException or Polly.CircuitBreaker.BrokenCircuitException)
        {
            throw new ToolException(UiText.Format("RosterFetchFailed", NetworkProblem.Describe(e)),
                channel.Proxy is null ? UiText.Get("HintCheckServer") : UiText.Get("HintCheckProxy"));
        }
        return Accept(home, config, bytes);
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
        _ => new ToolException(UiText.Get("RosterMalformed"), UiText.Get("HintCheckServer")),
    };
}
