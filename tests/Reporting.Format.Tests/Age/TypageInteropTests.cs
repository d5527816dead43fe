using System.Security.Cryptography;
using Reporting.Format.Age;
using Xunit;

namespace Reporting.Format.Tests.Age;

/// <summary>Post-quantum hybrid interop with typage (npm age-encryption 0.3.1), both ways, binary and armored:
/// an independent implementation of mlkem768x25519 (X-Wing, HPKE), keys included.</summary>
public sealed class TypageInteropTests
{
    [Theory]
    [InlineData(0, false)]
    [InlineData(200_000, false)]
    [InlineData(70_000, true)]
    public void TypageOpens_WhatWeSealToItsHybridKey(int size, bool armor)
    {
        var (identity, recipient) = Typage.KeyGen();
        using var other = HybridIdentity.Generate();
        byte[] plaintext = RandomNumberGenerator.GetBytes(size);

        byte[] sealedFile = AgeInMemory.Seal(plaintext, [HybridRecipient.Parse(recipient), other.Recipient], armor, parallel: size > 100_000);

        Assert.Equal(armor, sealedFile.AsSpan().StartsWith("-----BEGIN AGE ENCRYPTED FILE-----"u8));
        Assert.Equal(plaintext, Typage.Open(sealedFile, identity));
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(200_000, false)]
    [InlineData(70_000, true)]
    public void WeOpen_WhatTypageSealsToOurHybridKey(int size, bool armor)
    {
        using var identity = HybridIdentity.Generate();
        byte[] plaintext = RandomNumberGenerator.GetBytes(size);

        byte[] sealedFile = Typage.Seal(plaintext, [identity.Recipient.ToString(), Typage.KeyGen().Recipient], armor);

        Assert.Equal(armor, sealedFile.AsSpan().StartsWith("-----BEGIN AGE ENCRYPTED FILE-----"u8));
        Assert.Equal(plaintext, AgeInMemory.Open(sealedFile, [identity], parallel: false));
        Assert.Equal(plaintext, AgeInMemory.Open(sealedFile, [identity], parallel: true));
    }

    [Fact]
    public void TypageIdentity_DerivesTheSameRecipientHere()
    {
        // The seed expansion (SHAKE256 into ML-KEM d‖z and the X25519 secret) agrees with typage's.
        var (identity, recipient) = Typage.KeyGen();

        using var parsed = HybridIdentity.Parse(identity);

        Assert.Equal(recipient, parsed.Recipient.ToString());
        Assert.Equal(identity, parsed.Export());
    }
}
