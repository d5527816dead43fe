namespace Reporting.Server.Uploads;

/// <summary>Where a body too large to hold in memory (<see cref="IncomingBody.InMemoryLimit"/>) is received before it
/// is checked and stored: a place in a volume made in advance (<see cref="Storage.Sqlite.CiphertextVolume"/>), never
/// a file of its own. A file made for an upload and then deleted would leave its birth and change times in the file
/// system's inode table until the inode is reused, dating that upload on a disk image (threat-model.md §5).</summary>
public interface ISpoolSpace
{
    /// <summary>Room for one body of <paramref name="size"/> bytes: written once, read back from the start,
    /// erased when disposed.</summary>
    Stream Rent(long size);
}
