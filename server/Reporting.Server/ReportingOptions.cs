namespace Reporting.Server;

/// <summary>The <c>Reporting</c> configuration section (DESIGN §4). Validated at start-up with messages
/// that tell the operator what to do.</summary>
public sealed record ReportingOptions
{
    public const string Section = "Reporting";

    /// <summary>Database, Data Protection key ring and in-flight uploads. Nothing else is written.</summary>
    public string DataDir { get; init; } = "data";

    /// <summary>The signed roster to serve (<c>review org sign … --out roster.json</c>).</summary>
    public string RosterFile { get; init; } = "";

    /// <summary>The organisation's public key (<c>reportorg1…</c>) the roster must be signed by: pinned
    /// here so that a replaced roster file cannot slip in other reviewers.</summary>
    public string OrgKey { get; init; } = "";

    /// <summary>The receipt key's secret file (<c>REPORT-RECEIPT-KEY-1…</c>), made at the first start when
    /// missing; empty: <c>DataDir/receipt.key</c>. Instances sharing a database must share this file too.</summary>
    public string ReceiptKeyFile { get; init; } = "";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Storage { get; init; } = "sqlite";

    /// <summary>Largest accepted envelope. 256 MiB: room for a few photos and a short video, while one
    /// upload cannot fill a small VPS's disk.</summary>
    public long MaxEnvelopeBytes { get; init; } = 256L << 20;

    /// <summary>Largest accepted reply: replies are short texts, padded.</summary>
    public long MaxReplyBytes { get; init; } = 1L << 20;

    /// <summary>Leading zero bits of proof of work. 20 ≈ a million hashes: about a second on a cheap
    /// phone-class CPU, a microsecond to check.</summary>
    public int PowDifficulty { get; init; } = 20;

    /// <summary>Free space the data folder keeps whatever arrives: an upload that would leave less is
    /// refused (503) before its body is read. A full disk stops every honest submission, the WAL and
    /// the retention job with it; 1 GiB leaves room for all of them on a small VPS.</summary>
    public long MinFreeBytes { get; init; } = 1L << 30;

    /// <summary>Days before reports and replies are deleted (D13).</summary>
    public int RetentionDays { get; init; } = 90;

    /// <summary>Days an older roster version stays acceptable after a newer one is first served (D6),
    /// so a report queued in an outbox before a roster change is still delivered.</summary>
    public int RosterGraceDays { get; init; } = 30;

    /// <summary>Seconds between looks at the roster file: a new signed roster is served this long after it
    /// is put in place, without a restart.</summary>
    public int RosterCheckSeconds { get; init; } = 10;

    /// <summary>Uploads handled at once, server-wide (never per address: behind Tor everyone shares one).</summary>
    public int MaxConcurrentUploads { get; init; } = 32;

    /// <summary>Challenges issued per second, server-wide, with a burst of ten times as many. Issuing one
    /// costs microseconds, and a bucket small enough to empty by hand would let anyone deny every source
    /// a challenge; the work is paid at submission. 500/s is far above honest demand.</summary>
    public int ChallengesPerSecond { get; init; } = 500;

    /// <summary>Signed requests per second, server-wide, for reviewers' access keys and, separately, for
    /// mailbox keys, each with a burst of ten times as many. Charged only once a signature verifies, so only
    /// key holders spend it: a few reviewers and sources polling now and then need far less than 200.</summary>
    public int SignedRequestsPerSecond { get; init; } = 200;
}
