using System.Net;
using System.Security.Cryptography;
using Reporting.Format.Keys;
using Reporting.Format.Protocol;

namespace Reporting.Server.Tests.Http;

/// <summary>Sources poll their mailboxes, mostly empty; anyone can make mailbox keys. A read writes nothing, so a flood
/// of validly signed reads never queues on the writer that commits submissions.</summary>
public sealed class MailboxReadTests : ServerTest
{
    [Fact]
    public async Task EmptyMailboxes_ReadAHundredTimes_WriteNothingToDisk()
    {
        // One submission first, so the database and its WAL exist and hold something.
        await Server.SubmitOkAsync(Server.SealForRoster("so the database is not empty"u8.ToArray()));
        // The store's background checkpoint copies that submission's pages into the database when it runs; do
        // it now, so that only what the reads themselves write could change a file.
        Checkpoint();
        var before = DatabaseFiles();

        for (var i = 0; i < 100; i++)
        {
            using var mailbox = SigningKey.Generate(SigningKeyKind.Mailbox);
            using var response = await Server.SendSignedAsync(mailbox, HttpMethod.Get, Routes.Replies(mailbox.PublicKey.ToString()));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(before, DatabaseFiles());
    }

    void Checkpoint()
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(World.DataDir, "reports.db")}");
        connection.Open();
        using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        checkpoint.ExecuteNonQuery();
    }

    /// <summary>Each database file (the WAL's shared-memory index aside, which readers mark) with its length and hash.</summary>
    Dictionary<string, string> DatabaseFiles() => Directory.EnumerateFiles(World.DataDir, "reports.db*")
        .Where(path => !path.EndsWith("-shm", StringComparison.Ordinal))
        .ToDictionary(path => Path.GetFileName(path), path => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))));
}
