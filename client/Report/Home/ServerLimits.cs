using System.Globalization;
using System.Text;
using Reporting.Format.IO;
using Reporting.Format.Protocol;

namespace Reporting.Report.Home;

/// <summary>The server's largest envelope, as it published it beside the roster (PROTOCOL.md "Limits"), kept in
/// the home's <c>limits</c> file so that a report sealed offline is held to it too.</summary>
static class ServerLimits
{
    /// <summary>Below this no server is configured (its options refuse less); a smaller header is not believed.</summary>
    const long SmallestEnvelopeLimit = 1024;

    static string PathOf(ReportHome home) => Path.Combine(home.Root, "limits");

    /// <summary>Keeps the limit the roster's answer carries; written only when it changed (each write would date
    /// this computer's contact with the server).</summary>
    public static void Remember(ReportHome home, HttpResponseMessage rosterAnswer)
    {
        if (!rosterAnswer.Headers.TryGetValues(LimitHeaders.MaxEnvelopeBytes, out var values)
            || !long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var limit)
            || limit < SmallestEnvelopeLimit)
            return;
        var bytes = Encoding.ASCII.GetBytes(limit.ToString(CultureInfo.InvariantCulture));
        var path = PathOf(home);
        if (File.Exists(path) && QuietRead.AllBytes(path).AsSpan().SequenceEqual(bytes))
            return;
        home.Create();
        AtomicFile.Write(path, bytes, replace: true);
    }

    /// <summary>The largest envelope the server takes, or null when it never said.</summary>
    public static long? MaxEnvelopeBytes(ReportHome home)
    {
        var path = PathOf(home);
        return File.Exists(path) && long.TryParse(Encoding.ASCII.GetString(QuietRead.AllBytes(path)), NumberStyles.None, CultureInfo.InvariantCulture, out var limit)
            ? limit
            : null;
    }
}
