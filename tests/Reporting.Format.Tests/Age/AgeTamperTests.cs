using System.Security.Cryptography;
using System.Text;
using Reporting.Format.Age;
using Xunit;

namespace Reporting.Format.Tests.Age;

/// <summary>Any change to a sealed file is caught; the wrong key or passphrase is told apart.</summary>
public sealed class AgeTamperTests
{
    private const int Chunk = 65536, SealedChunk = Chunk + 16;

    private static AgeFailure FailureOf(byte[] file, IReadOnlyList<IIdentity> identities, bool parallel)
    {
        var e = Assert.ThrowsAny<AgeException>(() => AgeInMemory.Open(file, identities, parallel));
        return e.Failure;
    }

    [Fact]
    public void FlippingAnyByte_OfHeaderOrPayload_FailsToOpen()
    {
        using var alice = X25519Identity.Generate();
        using var bob = X25519Identity.Generate();
        byte[] file = AgeInMemory.Seal(RandomNumberGenerator.GetBytes(300), [alice.Recipient, bob.Recipient], armor: false, parallel: false);
        for (int i = 0; i < file.Length; i++)
        {
            foreach (byte mask in new byte[] { 0x01, 0x80 })
            {
                byte[] tampered = (byte[])file.Clone();
                tampered[i] ^= mask;
                Assert.ThrowsAny<AgeException>(() => AgeInMemory.Open(tampered, [alice], parallel: i % 2 == 0));
            }
        }
    }

    [Fact]
    public void FlippingAByte_InALaterChunk_FailsAsCorrupt()
    {
        using var alice = X25519Identity.Generate();
        byte[] file = AgeInMemory.Seal(RandomNumberGenerator.GetBytes(5 * Chunk), [alice.Recipient], false, true);
        int payload = PayloadStart(file);
        foreach (int offset in new[] { 16, 16 + SealedChunk + 5, 16 + 3 * SealedChunk - 1, file.Length - payload - 1 })
        {
            byte[] tampered = (byte[])file.Clone();
            tampered[payload + offset] ^= 0x20;
            Assert.Equal(AgeFailure.PayloadCorrupt, FailureOf(tampered, [alice], parallel: false));
            Assert.Equal(AgeFailure.PayloadCorrupt, FailureOf(tampered, [alice], parallel: true));
        }
    }

    [Fact]
    public void TruncatedAtAChunkBoundary_FailsAsTruncated_AndAnywhereElse_Fails()
    {
        using var alice = X25519Identity.Generate();
        byte[] file = AgeInMemory.Seal(RandomNumberGenerator.GetBytes(3 * Chunk + 10), [alice.Recipient], false, true);
        int payload = PayloadStart(file) + 16;
        foreach (bool parallel in new[] { false, true })
        {
            Assert.Equal(AgeFailure.Truncated, FailureOf(file[..payload], [alice], parallel));
            Assert.Equal(AgeFailure.Truncated, FailureOf(file[..(payload + SealedChunk)], [alice], parallel));
            Assert.Equal(AgeFailure.Truncated, FailureOf(file[..(payload + 3 * SealedChunk)], [alice], parallel));
            Assert.Equal(AgeFailure.PayloadCorrupt, FailureOf(file[..^1], [alice], parallel));
            Assert.Equal(AgeFailure.PayloadCorrupt, FailureOf(file[..(payload + SealedChunk + 100)], [alice], parallel));
            Assert.Equal(AgeFailure.MalformedHeader, FailureOf(file[..(payload - 3)], [alice], parallel));
        }
    }

    [Fact]
    public void DamageInALaterBatch_OrTruncationAtABatchBoundary_IsCaught()
    {
        // 70 chunks: several of the parallel path's batches (15 chunks each on up to six cores, 7 or 3 on more).
        using var alice = X25519Identity.Generate();
        byte[] file = AgeInMemory.Seal(RandomNumberGenerator.GetBytes(70 * Chunk - 5), [alice.Recipient], false, true);
        int p = PayloadStart(file) + 16;
        foreach (bool parallel in new[] { false, true })
        {
            foreach (int chunks in new[] { 7, 15, 30, 31, 45, 62, 63 })
                Assert.Equal(AgeFailure.Truncated, FailureOf(file[..(p + chunks * SealedChunk)], [alice], parallel));
            foreach (int chunk in new[] { 14, 15, 30, 31, 65, 69 })
            {
                byte[] tampered = (byte[])file.Clone();
                tampered[p + chunk * SealedChunk + 7] ^= 1;
                Assert.Equal(AgeFailure.PayloadCorrupt, FailureOf(tampered, [alice], parallel));
            }
        }
    }

    [Fact]
    public void ReorderedDuplicatedOrTrailingChunks_Fail()
    {
        using var alice = X25519Identity.Generate();
        byte[] file = AgeInMemory.Seal(RandomNumberGenerator.GetBytes(3 * Chunk), [alice.Recipient], false, true);
        int p = PayloadStart(file) + 16;
        byte[] c0 = file[p..(p + SealedChunk)], c1 = file[(p + SealedChunk)..(p + 2 * SealedChunk)], c2 = file[(p + 2 * SealedChunk)..];
        byte[] head = file[..p];
        foreach (bool parallel in new[] { false, true })
        {
            Assert.Equal(AgeFailure.PayloadCorrupt, FailureOf([.. head, .. c1, .. c0, .. c2], [alice], parallel));
            Assert.Equal(AgeFailure.PayloadCorrupt, FailureOf([.. head, .. c0, .. c0, .. c1, .. c2], [alice], parallel));
            Assert.Equal(AgeFailure.PayloadCorrupt, FailureOf([.. head, .. c0, .. c1, .. c2, .. c2], [alice], parallel));
            Assert.Equal(AgeFailure.PayloadCorrupt, FailureOf([.. file, 0], [alice], parallel));
            Assert.Equal(AgeFailure.PayloadCorrupt, FailureOf([.. head, .. c0, .. c2], [alice], parallel));
        }
    }

    [Fact]
    public void WrongIdentityOrPassphrase_IsNoIdentityMatched()
    {
        using var alice = X25519Identity.Generate();
        using var mallory = X25519Identity.Generate();
        byte[] file = AgeInMemory.Seal([1, 2, 3], [alice.Recipient], false, false);
        Assert.Equal(AgeFailure.NoIdentityMatched, FailureOf(file, [mallory], parallel: false));
        Assert.Equal(AgeFailure.NoIdentityMatched, FailureOf(file, [new ScryptIdentity("x"u8.ToArray())], parallel: true));

        byte[] locked = AgeInMemory.Seal([1, 2, 3], [new ScryptRecipient("right"u8.ToArray(), workFactor: 10)], false, false);
        Assert.Equal(AgeFailure.NoIdentityMatched, FailureOf(locked, [new ScryptIdentity("wrong"u8.ToArray())], parallel: false));
        Assert.Equal(AgeFailure.NoIdentityMatched, FailureOf(locked, [alice], parallel: true));
    }

    [Fact]
    public void ScryptWorkFactorAboveTheLimit_IsRefusedBeforeAnyWork()
    {
        byte[] file = AgeInMemory.Seal([1, 2, 3], [new ScryptRecipient("pass"u8.ToArray(), workFactor: 10)], false, false);
        string text = Encoding.Latin1.GetString(file);
        byte[] harder = Encoding.Latin1.GetBytes(text.Replace(" 10\n", " 23\n"));
        Assert.Equal(AgeFailure.WorkFactorTooHigh, FailureOf(harder, [new ScryptIdentity("pass"u8.ToArray())], parallel: false));
        Assert.Equal(AgeFailure.WorkFactorTooHigh, FailureOf(file, [new ScryptIdentity("pass"u8.ToArray(), maxWorkFactor: 9)], parallel: false));
    }

    [Fact]
    public void ChangedStanza_WithTheSameFileKey_FailsTheHeaderMac()
    {
        using var alice = X25519Identity.Generate();
        using var bob = X25519Identity.Generate();
        byte[] file = AgeInMemory.Seal([1, 2, 3], [alice.Recipient, bob.Recipient], false, false);
        // Drop bob's stanza: alice still unwraps the file key, but the MAC covers the header as written.
        string text = Encoding.Latin1.GetString(file);
        int second = text.IndexOf("-> X25519", text.IndexOf("-> X25519", StringComparison.Ordinal) + 1, StringComparison.Ordinal);
        int end = text.IndexOf("---", StringComparison.Ordinal);
        byte[] dropped = Encoding.Latin1.GetBytes(text[..second] + text[end..]);
        Assert.Equal(AgeFailure.HeaderMacMismatch, FailureOf(dropped, [alice], parallel: false));
    }

    private static int PayloadStart(byte[] file) => file.AsSpan().IndexOf("\n---"u8) + 1 + 4 + 43 + 1;
}
