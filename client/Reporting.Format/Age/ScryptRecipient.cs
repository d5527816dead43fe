namespace Reporting.Format.Age;

/// <summary>age's passphrase recipient. Must be the only stanza in its header.</summary>
public sealed class ScryptRecipient : IRecipient
{
    /// <summary>2^18 as age does: about a second on a laptop, the cost an attacker pays per guess.</summary>
    public const int DefaultWorkFactor = 18;
    public ScryptRecipient(ReadOnlyMemory<byte> passphrase, int workFactor = DefaultWorkFactor) => throw new NotImplementedException();
    public Stanza Wrap(ReadOnlySpan<byte> fileKey) => throw new NotImplementedException();
}
