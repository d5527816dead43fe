namespace Reporting.Server.Storage;

/// <summary>The database was written by a newer server: this one cannot know what that schema means, so it
/// opens nothing rather than guess (and never downgrades). Start-up tells the operator in one line.</summary>
public sealed class NewerSchemaException : InvalidOperationException
{
    NewerSchemaException(int found, int known)
        : base($"The database was written by a newer server (schema {found}; this server knows up to {known}); run that version or newer.")
    {
        Found = found;
        Known = known;
    }

    /// <summary>The database's schema version.</summary>
    public int Found { get; }

    /// <summary>The newest schema version this server writes.</summary>
    public int Known { get; }

    /// <summary>Refuses a database whose schema version <paramref name="found"/> is above <paramref name="known"/>.</summary>
    public static void ThrowIfNewer(int found, int known)
    {
        if (found > known)
            throw new NewerSchemaException(found, known);
    }
}
