using System.Net;

namespace Reporting.Server.Tests.Http;

/// <summary>Unset, Reporting:MinFreeBytes suits the volume: the smaller of 1 GiB and 5% of it. A fixed 1 GiB
/// refused every upload on a small disk.</summary>
public sealed class FreeSpaceDefaultTests : IDisposable
{
    readonly TestWorld _world = new();
    readonly SmallFileSystem _disk;

    public FreeSpaceDefaultTests() => _disk = SmallFileSystem.Mount(_world.Folder["small"], 64 << 20);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _disk.Dispose();
        _world.Dispose();
    }

    [Fact]
    public async Task Unset_OnA64MiBVolume_KeepsFivePercent_SaysSo_AndTakesUploads()
    {
        await using var server = await RunningServer.StartAsync(_world, settings =>
        {
            settings.Remove("Reporting:MinFreeBytes");
            settings["Reporting:DataDir"] = _disk["data"];
        });

        Assert.Contains(server.Logs.Lines, line => line.Contains("leave less than 3 MiB free") && line.Contains("the smaller of 1 GiB and 5% of the volume"));
        using var response = await server.SubmitAsync(server.SealForRoster(new byte[100_000]));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
