using Microsoft.Data.Sqlite;
using Npgsql;

namespace Reporting.Server.Storage;

/// <summary>Recognises a write refused because the storage is full, whichever layer said so: the file
/// system (ENOSPC, or a quota), SQLite (SQLITE_FULL) or PostgreSQL (53100 disk_full; the rest of its class
/// 53, such as too many connections or out of memory, is not a full disk and must not be called one). Such a failure is the server's state, not the client's fault nor a bug:
/// it is answered with a 503 the client may retry (see <see cref="Hardening.StorageFullHandler"/>).</summary>
public static class StorageFull
{
    // errno values on Linux (ENOSPC, EDQUOT) and on macOS (ENOSPC, EDQUOT): .NET puts the raw errno in
    // an IOException's HResult on Unix.
    static readonly int[] UnixCodes = OperatingSystem.IsMacOS() ? [28, 69] : [28, 122];

    // ERROR_HANDLE_DISK_FULL and ERROR_DISK_FULL as HRESULTs.
    static readonly int[] WindowsCodes = [unchecked((int)0x80070027), unchecked((int)0x80070070)];

    const int SqliteFull = 13;

    public static bool Caused(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case StorageFullException:
                case SqliteException sqlite when sqlite.SqliteErrorCode == SqliteFull:
                case PostgresException { SqlState: PostgresErrorCodes.DiskFull }:
                    return true;
                case IOException io when (OperatingSystem.IsWindows() ? WindowsCodes : UnixCodes).Contains(io.HResult):
                    return true;
            }
        }
        return false;
    }
}

/// <summary>A write the store refused itself: it would have left less free space than the store keeps
/// for its own metadata and for reviewers (see <see cref="Sqlite.SqliteReportStore"/>).</summary>
public sealed class StorageFullException(string message) : IOException(message);
