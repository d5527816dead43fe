using System.Globalization;
using Microsoft.Data.Sqlite;
using Reporting.Format.Keys;
using Reporting.Format.Rosters;
using Reporting.Server.Storage;
using Reporting.Server.Storage.Sqlite;
using static Reporting.Server.Storage.Sqlite.SqliteSql;

namespace Reporting.Server.Backups;

/// <summary>Restores a backup (<see cref="BackupArchive"/>) into an empty data folder. Everything is unpacked
/// into a folder inside it and checked before anything takes its place: every entry against the manifest's
/// size and SHA-256, the database by SQLite's integrity check, every row against an item of its size and
/// every item against a row, and, given the organisation key, every roster the backup's server served against
/// it (a backup of another organisation's server would not start). The items go into a new ciphertext volume
/// (<see cref="CiphertextVolume"/>) at places drawn afresh, which the rows are then given: no file is made per
/// item, so nothing in the restored folder dates one. On any failure the folder is left empty.</summary>
static class SqliteRestore
{
    public static int Restore(string archivePath, string dataDir, PublicSigningKey? organisation)
    {
        archivePath = Path.GetFullPath(archivePath);
        dataDir = Path.GetFullPath(dataDir);
        if (!File.Exists(archivePath))
            throw new OperatorError($"there is no file {archivePath}.", "give the file that `backup --out` wrote.");
        var existed = Directory.Exists(dataDir);
        if (existed && Directory.EnumerateFileSystemEntries(dataDir).Any())
            throw new OperatorError($"Reporting:DataDir '{dataDir}' is not empty; a restore never mixes with data already there.",
                "restore into a new or empty folder: stop the server and move the old data folder aside first.");
        DataFolder.Create(dataDir);
        var staging = DataFolder.Create(Path.Combine(dataDir, ".restoring")).FullName;
        try
        {
            var stored = new Dictionary<string, (long Place, long Size)>(StringComparer.Ordinal);
            using (var volume = new CiphertextVolume(Path.Combine(staging, CiphertextVolume.FileName)))
            {
                using (var archive = File.OpenRead(archivePath))
                    BackupArchive.Read(archive, archivePath, (name, size, data) =>
                    {
                        if (BackupArchive.IdOf(name) is { } id)
                        {
                            var place = volume.Allocate(id, size);
                            volume.WriteAsync(place, data, size).GetAwaiter().GetResult();
                            stored[id] = (place, size);
                            return;
                        }
                        using var file = new FileStream(Path.Combine(staging, name), DataFolder.PrivateNewFile(FileAccess.Write));
                        data.CopyTo(file);
                        file.Flush(flushToDisk: true);
                    });
                volume.SyncAsync().GetAwaiter().GetResult();
            }
            int items;
            using (var database = Open(SqliteBackup.Connection(Path.Combine(staging, DataFolder.DatabaseFile), SqliteOpenMode.ReadWrite)))
            {
                items = Check(database, stored, archivePath, organisation);
                Place(database, stored);
                // The server's own mode (the backup holds the database as one file).
                Execute(database, "PRAGMA journal_mode = WAL;");
            }
            foreach (var name in new[] { DataFolder.DatabaseFile, CiphertextVolume.FileName })
                File.Move(Path.Combine(staging, name), Path.Combine(dataDir, name));
            Directory.Delete(staging);
            DataFolder.Sync(dataDir);
            return items;
        }
        catch (Exception e)
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(dataDir))
            {
                if (Directory.Exists(entry))
                    Directory.Delete(entry, recursive: true);
                else
                    File.Delete(entry);
            }
            if (!existed)
                Directory.Delete(dataDir);
            if (e is SqliteException or FormatException or InvalidCastException)
                throw BackupArchive.Damaged(archivePath, $"its database cannot be read ({e.Message})");
            throw;
        }
    }

    /// <summary>Checks the unpacked database against the unpacked items; returns how many reports and replies they hold.</summary>
    static int Check(SqliteConnection database, IReadOnlyDictionary<string, (long Place, long Size)> stored, string archivePath, PublicSigningKey? organisation)
    {
        if (Scalar(database, "PRAGMA integrity_check;") as string != "ok")
            throw BackupArchive.Damaged(archivePath, "its database fails SQLite's integrity check");
        var schema = Convert.ToInt32(Scalar(database, "PRAGMA user_version;"), CultureInfo.InvariantCulture);
        if (schema != SqliteSchema.Version)
            throw new OperatorError($"{archivePath} holds a database of schema {schema}; this server restores schema {SqliteSchema.Version}.",
                "restore it with the server version that made it (then start that server once, and take a new backup with this one).");
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var command = Command(database, "SELECT id, size FROM reports UNION ALL SELECT id, size FROM replies"))
        using (var reader = command.ExecuteReader())
            while (reader.Read())
                sizes[reader.GetString(0)] = reader.GetInt64(1);
        foreach (var (id, size) in sizes)
            if (!stored.TryGetValue(id, out var item) || item.Size != size)
                throw BackupArchive.Damaged(archivePath, $"the ciphertext of {id} is missing or not the size its row gives");
        if (stored.Keys.FirstOrDefault(id => !sizes.ContainsKey(id)) is { } stray)
            throw BackupArchive.Damaged(archivePath, $"it holds the ciphertext of {stray}, which no row lists");
        if (organisation is not null)
            CheckRosters(database, organisation, archivePath);
        return sizes.Count;
    }

    /// <summary>Gives every row the place its item was written to in the new volume.</summary>
    static void Place(SqliteConnection database, IReadOnlyDictionary<string, (long Place, long Size)> stored)
    {
        using var transaction = database.BeginTransaction();
        foreach (var (id, (place, _)) in stored)
            Execute(database, "UPDATE reports SET place = $p WHERE id = $id; UPDATE replies SET place = $p WHERE id = $id;", ("$p", place), ("$id", id));
        transaction.Commit();
    }

    static void CheckRosters(SqliteConnection database, PublicSigningKey organisation, string archivePath)
    {
        using var command = Command(database, "SELECT file, first_served FROM rosters");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            try
            {
                SignedRoster.Verify(reader.GetFieldValue<byte[]>(0), organisation, ParseDay(reader.GetString(1)));
            }
            catch (RosterException)
            {
                throw new OperatorError($"{archivePath} is a backup of another organisation's server: its rosters are not signed by Reporting:OrgKey ({organisation}); nothing was restored.",
                    "restore it with that organisation's key in Reporting:OrgKey, or choose this organisation's backup.");
            }
        }
    }
}
