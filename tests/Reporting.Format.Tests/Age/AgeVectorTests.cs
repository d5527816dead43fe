using System.Security.Cryptography;
using System.Text;
using Reporting.Format.Age;
using Xunit;

namespace Reporting.Format.Tests.Age;

/// <summary>The shared age vector suite, every file a case, through both ways of opening a file.</summary>
public sealed class AgeVectorTests
{
    public static IEnumerable<object[]> Vectors => AgeVector.Names();

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Vector_OpensOrFailsAsExpected(string name)
    {
        var vector = AgeVector.Load(name);
        Check(vector, parallel: false);
        Check(vector, parallel: true);
    }

    private static void Check(AgeVector vector, bool parallel)
    {
        var identities = new List<IIdentity>();
        identities.AddRange(vector.Identities.Select(AgeKeys.ParseIdentity));
        identities.AddRange(vector.Passphrases.Select(p => new ScryptIdentity(Encoding.UTF8.GetBytes(p))));
        // A vector without identities fails before any is needed; give it an unrelated one.
        if (identities.Count == 0) identities.Add(X25519Identity.Generate());

        var plaintext = new MemoryStream();
        var failure = Record.Exception(() =>
        {
            using var input = new MemoryStream(vector.File, writable: false);
            if (parallel)
            {
                AgeFile.Open(input, plaintext, identities);
            }
            else
            {
                using var reader = AgeFile.Open(input, identities);
                reader.CopyTo(plaintext);
            }
        });
        string how = parallel ? "Stream→Stream" : "streaming";

        if (vector.Expect == "success")
        {
            Assert.True(failure is null, $"{vector.Name} ({how}): expected success, got {failure}");
            Assert.Equal(vector.PayloadSha256, Convert.ToHexStringLower(SHA256.HashData(plaintext.ToArray())));
            return;
        }
        var age = Assert.IsType<AgeException>(failure);
        AgeFailure[] allowed = vector.Expect switch
        {
            "header failure" => [AgeFailure.MalformedHeader, AgeFailure.WorkFactorTooHigh],
            "HMAC failure" => [AgeFailure.HeaderMacMismatch],
            "payload failure" => [AgeFailure.PayloadCorrupt, AgeFailure.Truncated],
            "no match" => [AgeFailure.NoIdentityMatched],
            "armor failure" => [AgeFailure.MalformedArmor],
            _ => throw new InvalidDataException($"{vector.Name}: unknown expectation '{vector.Expect}'"),
        };
        Assert.True(allowed.Contains(age.Failure), $"{vector.Name} ({how}): expected {vector.Expect}, got {age.Failure}: {age.Message}");
    }
}
