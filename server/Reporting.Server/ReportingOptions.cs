namespace Reporting.Server;

/// <summary>The <c>Reporting</c> configuration section (docs/DESIGN.md §4). Validated at start-up with messages
/// that tell the operator what to do.</summary>
public sealed record ReportingOptions
{
    public const string Section = "Reporting";

    /// <summary>Database, Data Protection key ring and in-flight uploads. Nothing else is written.</summary>
    public string DataDir { get; init; } = "data";

    /// <summary>The signed roster to serve (<c>review org sign … --out roster.json</c>).</summary>
    public string RosterFile { get; init; } = "";

    /// <summary>The reviewers' statement that the roster is current (<c>review org fresh … --out roster.fresh</c>),
    /// served beside it and looked at as often; empty: <c>roster.fresh</c> beside <see cref="RosterFile"/>. Only
    /// the statement lives here, never the key that signs it.</summary>
    public string FreshnessFile { get; init; } = "";

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

    /// <summary>Leading zero bits of proof of work for an envelope of up to 64 KiB; one more for each fourfold
    /// size beyond (<see cref="Format.Protocol.ProofOfWork.DifficultyFor"/>: a 256 MiB one costs 26). 20 ≈ a million
    /// hashes: about a second on a cheap phone-class CPU, a microsecond to check.</summary>
    public int PowDifficulty { get; init; } = 20;

    /// <summary>Free space the data folder keeps whatever arrives: an upload that would leave less is
    /// refused (503) before its body is read. A full disk stops every honest submission, the WAL and
    /// the retention job with it. Unset, it suits the volume (<see cref="DataFolder.KeepFreeBytes"/>).</summary>
    public long? MinFreeBytes { get; init; }

    /// <summary>Days before reports and replies are deleted (D13).</summary>
    public int RetentionDays { get; init; } = 90;

    /// <summary>Days an older roster version stays acceptable after a newer one is first served (D6),
    /// so a report queued in an outbox before a roster change is still delivered.</summary>
    public int RosterGraceDays { get; init; } = 30;

    /// <summary>Seconds between looks at the roster file: a new signed roster is served this long after it
    /// is put in place, without a restart.</summary>
    public int RosterCheckSeconds { get; init; } = 10;

    /// <summary>Uploads received at once, server-wide (never per address: behind Tor everyone shares one), half
    /// of them kept for envelopes of up to 1 MiB (<see cref="Uploads.UploadSlots"/>). Each holds at most 256 KiB
    /// of memory or a spooled file, and, on PostgreSQL, a database connection for its token's claim: 64 stays
    /// well inside Npgsql's pool of 100.</summary>
    public int MaxConcurrentUploads { get; init; } = 64;

    /// <summary>Seconds an upload may take for its first bytes before it must keep up with 8 KiB/s
    /// (<see cref="Format.Protocol.UploadPace"/>); it is then cut, and its token spent.</summary>
    public int UploadGraceSeconds { get; init; } = 10;

    /// <summary>Connections open at once. Behind Tor every stream is a loopback connection, and an idle one
    /// costs Kestrel a few kilobytes, so thousands cost little; the limit is there so that file descriptors
    /// never run out under the database and the ciphertext files (the service's open-files limit must be
    /// above it: systemd's LimitNOFILE, or ulimit -n).</summary>
    public int MaxConnections { get; init; } = 8192;

    /// <summary>Signed requests per second, server-wide, for reviewers' access keys and, separately, for
    /// mailbox keys, each with a burst of ten times as many. Charged only once a signature verifies, so only
    /// key holders spend it: a few reviewers and sources polling now and then need far less than 200.</summary>
    public int SignedRequestsPerSecond { get; init; } = 200;
}
