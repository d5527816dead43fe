using Reporting.Format.Age;

namespace Reporting.Testing;

/// <summary>The project's own age code, in memory, through either entry point: the streaming one (written in
/// uneven pieces, to cross chunk boundaries at odd places) or the Stream→Stream one (parallel).</summary>
public static class AgeInMemory
{
    public static byte[] Seal(byte[] plaintext, IReadOnlyList<IRecipient> recipients, bool armor, bool parallel)
    {
        var output = new MemoryStream();
        if (parallel)
        {
            AgeFile.Seal(new MemoryStream(plaintext), output, recipients, armor);
        }
        else
        {
            using var writer = AgeFile.Seal(output, recipients, armor, leaveOpen: true);
            // Uneven writes, to cross chunk boundaries at odd places.
            for (int i = 0, step = 1; i < plaintext.Length; i += step, step = step * 3 % 100_003 + 1)
                writer.Write(plaintext, i, Math.Min(step, plaintext.Length - i));
        }
        return output.ToArray();
    }

    public static byte[] Open(byte[] sealedFile, IReadOnlyList<IIdentity> identities, bool parallel)
    {
        var output = new MemoryStream();
        if (parallel)
        {
            AgeFile.Open(new MemoryStream(sealedFile), output, identities);
        }
        else
        {
            using var reader = AgeFile.Open(new MemoryStream(sealedFile), identities);
            reader.CopyTo(output);
        }
        return output.ToArray();
    }
}
