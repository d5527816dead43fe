namespace Reporting.Format.Protocol;

/// <summary>Hashcash over a server challenge. See PROTOCOL.md.</summary>
public static class ProofOfWork
{
    public static bool IsSolved(ReadOnlySpan<byte> challenge, ulong nonce, int difficultyBits) => throw new NotImplementedException();
    public static ulong Solve(ReadOnlySpan<byte> challenge, int difficultyBits, CancellationToken cancellationToken = default, IProgress<long>? attempts = null)
        => throw new NotImplementedException();
}
