using System.Security.Cryptography;
using Reporting.Format.Age.Payload;

namespace Reporting.Format.Age;

/// <summary>Seals and opens age v1 files, streaming in constant memory.</summary>
public static class AgeFile
{
    /// <summary>A writable stream: bytes written are sealed to <paramref name="destination"/>;
    /// disposing it writes the final chunk (and the armor footer). A scrypt recipient must be alone.
    /// Disposing always finishes the file, so if producing the plaintext fails half-way, discard
    /// the destination: it would otherwise be a valid file of the first half.</summary>
    public static System.IO.Stream Seal(System.IO.Stream destination, IReadOnlyList<IRecipient> recipients, bool armor = false, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(destination);
        System.IO.Stream sink = armor ? new ArmorWriter(destination, leaveOpen) : destination;
        var cipher = WriteHeader(sink, recipients, lanes: 1);
        return new PayloadWriter(sink, ownsSink: armor || !leaveOpen, cipher);
    }

    /// <summary>Seals all of <paramref name="input"/> into <paramref name="output"/>, using every core
    /// (input is read and output written from pool threads, one call at a time).</summary>
    public static void Seal(System.IO.Stream input, System.IO.Stream output, IReadOnlyList<IRecipient> recipients, bool armor = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        System.IO.Stream sink = armor ? new ArmorWriter(output, leaveOpen: true) : output;
        try
        {
            using var cipher = WriteHeader(sink, recipients, ParallelPayload.Workers);
            ParallelPayload.Seal(input, sink, cipher);
        }
        finally
        {
            if (armor) sink.Dispose();
        }
        output.Flush();
    }

    /// <summary>A readable stream of the plaintext. Header and file key are checked before it returns;
    /// each chunk is authenticated before any of its bytes are returned; truncation throws at the end.
    /// Armor is detected. Throws <see cref="AgeException"/>.</summary>
    public static System.IO.Stream Open(System.IO.Stream source, IReadOnlyList<IIdentity> identities, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(source);
        var (payload, cipher) = ReadHeader(source, identities, lanes: 1);
        return new PayloadReader(payload, cipher, leaveOpen ? null : source);
    }

    /// <summary>Opens all of <paramref name="input"/> into <paramref name="output"/>, using every core.
    /// Throws <see cref="AgeException"/>; the caller discards what was written on failure: bytes
    /// already written were authenticated chunk by chunk, but a truncated or tampered file is only
    /// detected when its end is reached.</summary>
    public static void Open(System.IO.Stream input, System.IO.Stream output, IReadOnlyList<IIdentity> identities)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var (payload, cipher) = ReadHeader(input, identities, ParallelPayload.Workers);
        using (cipher)
            ParallelPayload.Open(payload, output, cipher);
        output.Flush();
    }

    /// <summary>Wraps a fresh file key to every recipient, writes header and payload nonce,
    /// and returns the payload cipher.</summary>
    static PayloadCipher WriteHeader(System.IO.Stream sink, IReadOnlyList<IRecipient> recipients, int lanes)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        if (recipients.Count == 0) throw new ArgumentException("At least one recipient is needed.", nameof(recipients));
        Span<byte> fileKey = stackalloc byte[Primitives.FileKeySize];
        Span<byte> nonce = stackalloc byte[PayloadCipher.NonceSize];
        try
        {
            RandomNumberGenerator.Fill(fileKey);
            var stanzas = new List<Stanza>(recipients.Count);
            foreach (var recipient in recipients) stanzas.Add(recipient.Wrap(fileKey));
            // Mixing a passphrase with keys would let a key holder pass the file off as passphrase-only.
            if (stanzas.Count > 1 && stanzas.Any(s => s.Type == ScryptRecipient.StanzaType))
                throw new ArgumentException("A passphrase (scrypt) recipient must be the only recipient.", nameof(recipients));
            // A classic stanza beside a post-quantum one opens the file to whoever breaks X25519 later, undoing
            // what the hybrid recipient is for (age refuses the mix too).
            if (stanzas.Any(s => s.Type == HybridRecipient.StanzaType) && stanzas.Any(s => s.Type != HybridRecipient.StanzaType))
                throw new ArgumentException("Post-quantum (age1pq1…) and classic recipients must not be mixed in one file.", nameof(recipients));
            sink.Write(AgeHeader.Encode(stanzas, fileKey));
            RandomNumberGenerator.Fill(nonce);
            sink.Write(nonce);
            return new PayloadCipher(fileKey, nonce, lanes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(fileKey);
        }
    }

    /// <summary>Detects armor, parses the header, finds the file key, checks the MAC and reads
    /// the payload nonce. Returns the stream positioned at the first chunk and the payload cipher.</summary>
    static (System.IO.Stream Payload, PayloadCipher Cipher) ReadHeader(System.IO.Stream source, IReadOnlyList<IIdentity> identities, int lanes)
    {
        ArgumentNullException.ThrowIfNull(identities);
        if (identities.Count == 0) throw new ArgumentException("At least one identity is needed.", nameof(identities));
        var input = DetectArmor(source);
        var header = AgeHeader.Parse(input);
        if (header.Stanzas.Count > 1 && header.Stanzas.Any(s => s.Type == ScryptRecipient.StanzaType))
            throw new AgeException(AgeFailure.MalformedHeader, "malformed age header: an scrypt stanza must be the only one");

        byte[]? fileKey = null;
        try
        {
            foreach (var identity in identities)
            {
                fileKey = identity.Unwrap(header.Stanzas);
                if (fileKey is not null) break;
            }
            if (fileKey is null)
                throw new AgeException(AgeFailure.NoIdentityMatched, "no identity matched any of the file's recipients (wrong key or passphrase)");
            if (fileKey.Length != Primitives.FileKeySize || !header.VerifyMac(fileKey))
                throw new AgeException(AgeFailure.HeaderMacMismatch, "the age header MAC does not verify: the header was altered");

            Span<byte> nonce = stackalloc byte[PayloadCipher.NonceSize];
            if (input.ReadAtLeast(nonce, nonce.Length, throwOnEndOfStream: false) != nonce.Length)
                throw new AgeException(AgeFailure.MalformedHeader, "malformed age file: it ends before the payload nonce");
            return (input, new PayloadCipher(fileKey, nonce, lanes));
        }
        finally
        {
            if (fileKey is not null) CryptographicOperations.ZeroMemory(fileKey);
        }
    }

    /// <summary>A binary file starts with "age-encryption.org/"; anything else is read as armor
    /// (which may follow whitespace), so leading garbage is reported as bad armor. Peeks without
    /// losing bytes: returns a stream that replays them.</summary>
    static System.IO.Stream DetectArmor(System.IO.Stream source)
    {
        ReadOnlySpan<byte> binaryIntro = "age-encryption.org/"u8;
        var prefix = new List<byte>(binaryIntro.Length);
        bool binary = true;
        while (binary && prefix.Count < binaryIntro.Length)
        {
            int b = source.ReadByte();
            if (b < 0) break;
            prefix.Add((byte)b);
            binary = b == binaryIntro[prefix.Count - 1];
        }
        var replay = new PrefixedStream([.. prefix], source);
        // An empty or cut-short binary intro is still reported as a bad header.
        return binary ? replay : new ArmorReader(replay);
    }
}
