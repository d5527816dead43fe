using System.Globalization;
using System.Text;
using NSec.Cryptography;
using Reporting.Format.Age;
using Reporting.Format.Keys;
using CryptographicOperations = System.Security.Cryptography.CryptographicOperations;
using SystemRandom = System.Security.Cryptography.RandomNumberGenerator;

namespace Reporting.Format.Codenames;

/// <summary>Why a typed codename was not accepted; <see cref="Position"/> is 1-based, 0 when not about one word.
/// For <see cref="CodenameProblemKind.WrongOrder"/> it is the first of two neighbouring words (or digit groups)
/// that are right but swapped.</summary>
public enum CodenameProblemKind { WrongWordCount, UnknownWord, ChecksumMismatch, WrongOrder, WrongDigitCount }
public sealed record CodenameProblem(CodenameProblemKind Kind, int Position, string? Word);

/// <summary>A source's codename: 80 random bits, written as 8 words of one list or as 7 groups of 4 digits.
/// See PROTOCOL.md for the checksum, the digits and the derivation.</summary>
public sealed class Codename
{
    public const int WordCount = 8;

    /// <summary>80 secret bits: 7 words and 3 bits of the 8th. The 8 bits left over carry the checksum.</summary>
    internal const int RandomBytes = 10;
    const int BitsPerWord = 11;
    const int PackedBytes = WordCount * BitsPerWord / 8;

    // Domain separation: these hashes can never be confused with any other SHA-256 use in the system.
    static readonly byte[] ChecksumDomain = "reporting codename v1"u8.ToArray();
    static readonly byte[] SaltDomain = "reporting codename salt v1"u8.ToArray();

    // 64 MiB and 3 passes (RFC 9106's second recommended option; libsodium allows one lane):
    // about 0.1 s for the source, and each guess at the 80 bits costs an attacker the same.
    static readonly Argon2Parameters Stretching = new()
    {
        DegreeOfParallelism = 1,
        MemorySize = 64 * 1024, // KiB
        NumberOfPasses = 3,
    };

    readonly byte[] random;
    readonly int[] indices;

    Codename(Wordlist? wordlist, byte[] random, int[] indices)
    {
        Wordlist = wordlist;
        this.random = random;
        this.indices = indices;
    }

    /// <summary>A new codename in the words of <paramref name="wordlist"/>, or in digits when it is null.</summary>
    public static Codename Generate(Wordlist? wordlist)
    {
        var random = new byte[RandomBytes];
        SystemRandom.Fill(random);
        return FromRandom(wordlist, random);
    }

    /// <summary>The codename for exactly these 80 random bits (tests use fixed bits).</summary>
    internal static Codename FromRandom(Wordlist? wordlist, ReadOnlySpan<byte> random)
    {
        if (random.Length != RandomBytes)
            throw new ArgumentException($"a codename holds exactly {RandomBytes} random bytes", nameof(random));
        Span<byte> packed = stackalloc byte[PackedBytes];
        random.CopyTo(packed);
        packed[RandomBytes] = Checksum(random);
        return new Codename(wordlist, random.ToArray(), Unpack(packed));
    }

    /// <summary>Normalises (NFKD, spacing, case), finds the list, checks every word and the checksum.</summary>
    public static bool TryParse(string text, out Codename? codename, out CodenameProblem? problem)
    {
        codename = null;
        problem = null;

        // NFKD as BIP-39 does: Korean typed composed (NFC) matches the decomposed list, full-width
        // letters and digits become ASCII and the ideographic space becomes a plain space.
        var normalised = (text ?? "").Normalize(NormalizationForm.FormKD).ToLowerInvariant();
        if (CodenameDigits.LooksLikeDigits(normalised))
        {
            if (CodenameDigits.Read(normalised, out problem) is not { } fromDigits)
                return false;
            codename = FromRandom(null, fromDigits);
            CryptographicOperations.ZeroMemory(fromDigits);
            return true;
        }
        var tokens = normalised.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

        var (wordlist, words) = MostLikelyList(tokens);
        if (words.Count != WordCount)
        {
            problem = new CodenameProblem(CodenameProblemKind.WrongWordCount, 0, null);
            return false;
        }

        var indices = new int[WordCount];
        for (var i = 0; i < WordCount; i++)
        {
            if (!wordlist.TryGetIndex(words[i], out indices[i]))
            {
                problem = new CodenameProblem(CodenameProblemKind.UnknownWord, i + 1, words[i].Normalize(NormalizationForm.FormC));
                return false;
            }
        }

        Span<byte> packed = stackalloc byte[PackedBytes];
        try
        {
            if (!Valid(indices, packed))
            {
                var swapped = SwappedPair(indices, packed);
                problem = new CodenameProblem(swapped is null ? CodenameProblemKind.ChecksumMismatch : CodenameProblemKind.WrongOrder, swapped ?? 0, null);
                return false;
            }
            codename = new Codename(wordlist, packed[..RandomBytes].ToArray(), indices);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(packed);
        }
    }

    /// <summary>The list its words are in; null for a codename written in digits.</summary>
    public Wordlist? Wordlist { get; }

    /// <summary>The words separated by single spaces (the current spelling, even if typed with words of the
    /// earlier list), or the 7 groups of digits.</summary>
    public override string ToString() => Wordlist is null
        ? CodenameDigits.Write(random)
        : string.Join(' ', indices.Select(i => Wordlist.Words[i].Normalize(NormalizationForm.FormC)));

    static bool Valid(ReadOnlySpan<int> indices, Span<byte> packed)
    {
        Pack(indices, packed);
        return Checksum(packed[..RandomBytes]) == packed[RandomBytes];
    }

    /// <summary>The first of two neighbouring words that, swapped back, give a valid codename. A wrong word
    /// passes one of these seven tries by chance about once in 37, so the message says "maybe".</summary>
    static int? SwappedPair(int[] indices, Span<byte> packed)
    {
        for (var i = 0; i + 1 < indices.Length; i++)
        {
            int[] swapped = [.. indices];
            (swapped[i], swapped[i + 1]) = (swapped[i + 1], swapped[i]);
            if (swapped[i] != swapped[i + 1] && Valid(swapped, packed))
                return i + 1;
        }
        return null;
    }

    /// <summary>Binds the hybrid reply identity's seed to its use: it comes from the same Argon2id output as the
    /// X25519 reply identity and the mailbox key, which use its two halves as they are.</summary>
    static readonly byte[] HybridReplyLabel = "reporting codename hybrid reply v1"u8.ToArray();

    /// <summary>Argon2id (64 MiB, 3 passes), salted by the organisation key, into the reply identities (X25519 and
    /// hybrid) and the mailbox key.</summary>
    public CodenameKeys DeriveKeys(PublicSigningKey organisation)
    {
        if (organisation.Kind != SigningKeyKind.Organisation)
            throw new ArgumentException("codename keys are salted with the organisation key", nameof(organisation));

        Span<byte> salt = stackalloc byte[16];
        Salt(organisation, salt);

        Span<byte> output = stackalloc byte[64];
        Span<byte> hybridSeed = stackalloc byte[32];
        try
        {
            PasswordBasedKeyDerivationAlgorithm.Argon2id(Stretching).DeriveBytes(random, salt, output);
            HybridReplySeed(output, hybridSeed);
            var replyIdentity = X25519Identity.FromSecret(output[..32]);
            HybridIdentity? hybridReplyIdentity = null;
            try
            {
                hybridReplyIdentity = HybridIdentity.FromSeed(hybridSeed);
                return new CodenameKeys(replyIdentity, hybridReplyIdentity, SigningKey.FromSeed(SigningKeyKind.Mailbox, output[32..]));
            }
            catch
            {
                replyIdentity.Dispose();
                hybridReplyIdentity?.Dispose();
                throw;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(output);
            CryptographicOperations.ZeroMemory(hybridSeed);
        }
    }

    /// <summary>HKDF-SHA256(all 64 bytes of the Argon2id output, no salt, the label): the X25519 reply secret and the
    /// mailbox seed cannot be told from it, nor it from them.</summary>
    static void HybridReplySeed(ReadOnlySpan<byte> stretched, Span<byte> seed) =>
        System.Security.Cryptography.HKDF.DeriveKey(System.Security.Cryptography.HashAlgorithmName.SHA256, stretched, seed, default, HybridReplyLabel);

    /// <summary>Salting with the organisation key means one precomputed table cannot serve every deployment.</summary>
    static void Salt(PublicSigningKey organisation, Span<byte> salt)
    {
        var input = new byte[SaltDomain.Length + organisation.Bytes.Length];
        SaltDomain.CopyTo(input, 0);
        organisation.Bytes.CopyTo(input.AsSpan(SaltDomain.Length));
        HashAlgorithm.Sha256.Hash(input)[..salt.Length].CopyTo(salt);
    }

    static byte Checksum(ReadOnlySpan<byte> random)
    {
        Span<byte> input = stackalloc byte[ChecksumDomain.Length + RandomBytes];
        Span<byte> hash = stackalloc byte[32];
        try
        {
            ChecksumDomain.CopyTo(input);
            random.CopyTo(input[ChecksumDomain.Length..]);
            HashAlgorithm.Sha256.Hash(input, hash);
            return hash[0];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
            CryptographicOperations.ZeroMemory(hash);
        }
    }

    /// <summary>Picks the list that knows most of the typed words (so a typo still names the right list),
    /// splitting words into characters for a list of one-character words (Chinese typed without spaces).</summary>
    static (Wordlist List, List<string> Words) MostLikelyList(string[] tokens)
    {
        (Wordlist List, List<string> Words, int Known)? best = null;
        foreach (var list in Wordlist.All)
        {
            var words = list.SingleCharacterWords ? tokens.SelectMany(TextElements).ToList() : tokens.ToList();
            var known = words.Count(w => list.TryGetIndex(w, out _));
            if (best is null || known > best.Value.Known)
                best = (list, words, known);
        }
        // Nothing recognised at all: judge the count by the typed spacing, in the default list.
        return best!.Value.Known == 0 ? (Wordlist.English, tokens.ToList()) : (best.Value.List, best.Value.Words);
    }

    static IEnumerable<string> TextElements(string token)
    {
        var elements = StringInfo.GetTextElementEnumerator(token);
        while (elements.MoveNext())
            yield return elements.GetTextElement();
    }

    /// <summary>8 indices of 11 bits, big-endian, into 11 bytes.</summary>
    static void Pack(ReadOnlySpan<int> indices, Span<byte> packed)
    {
        int accumulator = 0, bits = 0, o = 0;
        foreach (var index in indices)
        {
            accumulator = (accumulator << BitsPerWord) | index;
            bits += BitsPerWord;
            while (bits >= 8)
            {
                bits -= 8;
                packed[o++] = (byte)((accumulator >> bits) & 0xFF);
            }
            accumulator &= (1 << bits) - 1;
        }
    }

    static int[] Unpack(ReadOnlySpan<byte> packed)
    {
        var indices = new int[WordCount];
        int accumulator = 0, bits = 0, w = 0;
        foreach (var b in packed)
        {
            accumulator = (accumulator << 8) | b;
            bits += 8;
            if (bits >= BitsPerWord)
            {
                bits -= BitsPerWord;
                indices[w++] = (accumulator >> bits) & (Wordlist.Size - 1);
                accumulator &= (1 << bits) - 1;
            }
        }
        return indices;
    }
}

/// <summary>The keys a codename stands for: a reply identity of each kind and the mailbox key. Dispose to zero them.</summary>
public sealed class CodenameKeys(X25519Identity replyIdentity, HybridIdentity hybridReplyIdentity, SigningKey mailboxKey) : IDisposable
{
    /// <summary>Answers to a report sealed to a classic roster are sealed to this one.</summary>
    public X25519Identity ReplyIdentity { get; } = replyIdentity;
    /// <summary>Answers to a report sealed to a hybrid roster are sealed to this one: the answer is as
    /// quantum-resistant as the report.</summary>
    public HybridIdentity HybridReplyIdentity { get; } = hybridReplyIdentity;
    public SigningKey MailboxKey { get; } = mailboxKey;

    /// <summary>The reply identity whose kind matches the roster a report is sealed to.</summary>
    public IKeyIdentity ReplyIdentityFor(KeyKind kind) => kind == KeyKind.Hybrid ? HybridReplyIdentity : ReplyIdentity;

    public void Dispose()
    {
        ReplyIdentity.Dispose();
        HybridReplyIdentity.Dispose();
        MailboxKey.Dispose();
    }
}
