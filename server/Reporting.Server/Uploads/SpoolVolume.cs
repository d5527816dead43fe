using Reporting.Server.Storage.Sqlite;

namespace Reporting.Server.Uploads;

/// <summary>The spool of a server whose store keeps no volume of its own (PostgreSQL): one sparse volume,
/// <c>DataDir/incoming/spool.volume</c>, whose places bodies are received into. With SQLite the store's own
/// volume serves (<see cref="SqliteReportStore"/>), so that no file but the volume is written by an upload.</summary>
public sealed class SpoolVolume : ISpoolSpace, IDisposable
{
    public const string FileName = "spool.volume";

    readonly CiphertextVolume _volume;

    /// <summary>Erases what an earlier process left half-received: no place is held at start.</summary>
    public SpoolVolume(string dataDir)
    {
        var folder = DataFolder.Create(Path.Combine(dataDir, DataFolder.IncomingFolder)).FullName;
        _volume = new CiphertextVolume(Path.Combine(folder, FileName));
        _volume.Settle([]);
    }

    public Stream Rent(long size) => _volume.Spool(size);

    public void Dispose() => _volume.Dispose();
}
