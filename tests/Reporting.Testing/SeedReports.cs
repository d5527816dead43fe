using System.Text.Json;
using Reporting.Format.Bundles;

namespace Reporting.Testing;

/// <summary>The sample reports in seeds/, found by walking up from the test assembly to the repository.
/// (Not the fuzzer's Seeds: those are its starting inputs.)</summary>
public static class SeedReports
{
    public sealed record Seed(string File, string Category, string Region, string When, string Language);

    public static string Folder => Repository.Path("seeds");

    public static IReadOnlyList<Seed> All =>
        JsonSerializer.Deserialize<List<Seed>>(System.IO.File.ReadAllBytes(Path.Combine(Folder, "seeds.json")),
            new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

    public static ReportDocument Document(Seed seed) => new()
    {
        Category = seed.Category,
        Region = seed.Region,
        When = seed.When,
        Language = seed.Language,
        Text = System.IO.File.ReadAllText(Path.Combine(Folder, seed.File)),
    };
}
