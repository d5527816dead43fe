namespace Reporting.Format.Age;

/// <summary>An age X25519 recipient, written <c>age1…</c>.</summary>
public sealed class X25519Recipient : IRecipient
{
    public static X25519Recipient Parse(string encoded) => throw new NotImplementedException();
    public Stanza Wrap(ReadOnlySpan<byte> fileKey) => throw new NotImplementedException();
    public override string ToString() => throw new NotImplementedException();
}
