using System.Security.Cryptography;
using Reporting.Client.Tests.Infrastructure;
using Xunit;

namespace Reporting.Client.Tests.Decrypt;

/// <summary>The shared age vector suite, every file a case, through <c>review open</c> as a user runs it: a plain
/// identity file of the vector's keys (post-quantum ones included) or its passphrase; what opens must hash to the
/// vector's payload, what must fail exits 1 with an error line, no stack trace and no output file.</summary>
public sealed class OpenVectorTests : IDisposable
{
    readonly TempFolder dir = new();

    public void Dispose() => dir.Dispose();

    public static IEnumerable<object[]> Vectors => AgeVector.Names();

    [Theory]
    [MemberData(nameof(Vectors))]
    public void ReviewOpen_OpensOrRefusesEachVector_AsExpected(string name)
    {
        var vector = AgeVector.Load(name);
        var input = dir.Write("in.age", "");
        File.WriteAllBytes(input, vector.File);
        List<string> args = ["open", "-o", dir["out"], input];
        if (vector.Identities.Count > 0)
            args.AddRange(["--identity", dir.Write("identity.txt", string.Join('\n', vector.Identities) + "\n")]);
        else if (vector.Passphrases.Count > 0)
            args.AddRange(["--passphrase-file", dir.Write("passphrase", vector.Passphrases[0] + "\n")]);
        else
        {
            // A vector without keys fails before any is needed; give an unrelated one.
            using var unrelated = Reporting.Format.Age.HybridIdentity.Generate();
            args.AddRange(["--identity", dir.Write("identity.txt", unrelated.Export() + "\n")]);
        }

        var result = Tool.Review([.. args]);

        if (vector.Expect == "success")
        {
            Assert.True(result.ExitCode == 0, $"{name}: {result}");
            Assert.Equal(vector.PayloadSha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(dir["out"]))));
            return;
        }
        Assert.True(result.ExitCode == 1, $"{name}: expected {vector.Expect}, got {result}");
        Assert.StartsWith("review: error: ", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.False(File.Exists(dir["out"]), $"{name}: a refused file left output behind");
    }
}
