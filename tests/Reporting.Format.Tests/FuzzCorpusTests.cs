using Reporting.Fuzz;
using Xunit;

namespace Reporting.Format.Tests;

/// <summary>Every file of the fuzz corpus (seeds, inputs afl-fuzz kept for new coverage, and every crash it
/// ever found) through every fuzz target: each parser accepts it or refuses it with its own documented
/// exception, never NullReference, IndexOutOfRange, Overflow or anything else.</summary>
public class FuzzCorpusTests
{
    static readonly string Corpus = Path.Combine(AppContext.BaseDirectory, "fuzz-corpus");

    public static TheoryData<string> CorpusFiles() =>
        [.. Directory.EnumerateFiles(Corpus, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Corpus, f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void CorpusFile_ThroughEveryParser_IsAcceptedOrRefusedWithTheDocumentedException(string file)
    {
        var input = File.ReadAllBytes(Path.Combine(Corpus, file));

        foreach (var target in FuzzTarget.All)
        {
            var escaped = Record.Exception(() => target.Run(input));
            Assert.True(escaped is null, $"{target.Name} threw {escaped?.GetType().Name} instead of accepting or throwing {target.Documented.Name}: {escaped}");
        }
    }

    [Fact]
    public void EverySeed_IsAcceptedByItsOwnTarget_SoTheFuzzerStartsFromValidInput()
    {
        var seeds = Seeds.All().ToList();

        Assert.Equal(FuzzTarget.All.Select(t => t.Name).Order(), seeds.Select(s => s.Target).Distinct().Order());
        foreach (var (target, name, bytes) in seeds)
            Assert.True(FuzzTarget.Find(target)!.Run(bytes), $"seed {name} is refused by {target}");
    }

    [Fact]
    public void EveryTarget_HasACommittedCorpus()
    {
        foreach (var target in FuzzTarget.All)
            Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(Corpus, target.Name)));
    }
}
