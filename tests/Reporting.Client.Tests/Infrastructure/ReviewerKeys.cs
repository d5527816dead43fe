using System.Text;
using Reporting.Format.Keys;

namespace Reporting.Client.Tests.Infrastructure;

/// <summary>A test reviewer's keys as <c>review keygen</c> stores them: each sealed with a passphrase.</summary>
public static class ReviewerKeys
{
    /// <summary>Writes <c>keys/NAME.identity</c> and <c>keys/NAME.access</c> in <paramref name="dir"/>; returns their paths.</summary>
    public static (string Identity, string Access) Write(TempFolder dir, TestReviewer reviewer, string passphrase)
    {
        var identity = dir[$"keys/{reviewer.Name}.identity"];
        var access = dir[$"keys/{reviewer.Name}.access"];
        Directory.CreateDirectory(dir["keys"]);
        var bytes = Encoding.UTF8.GetBytes(passphrase);
        KeyFile.WriteIdentity(identity, reviewer.Identity, bytes);
        KeyFile.WriteSigningKey(access, reviewer.AccessKey, bytes);
        return (identity, access);
    }
}
