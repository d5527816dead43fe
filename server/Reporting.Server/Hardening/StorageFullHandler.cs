using Microsoft.AspNetCore.Diagnostics;
using Reporting.Server.Storage;

namespace Reporting.Server.Hardening;

/// <summary>Any request whose write found the storage full (a submission, a reply, a spent token or
/// nonce) is answered 503 with Retry-After, like a refusal by the free-space reserve: the client keeps its
/// envelope and tries again, and nothing half-written was kept (the stores roll back and remove their
/// files). One warning line says it happened, without the request or the exception's text.</summary>
public sealed class StorageFullHandler(ILogger<StorageFullHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!StorageFull.Caused(exception) || context.Response.HasStarted)
            return false;
        log.LogWarning("The storage is full: a request was refused with 503. Free space in the data folder or the database.");
        // The same answer the reserve check gives, not the generic text of an unexpected error.
        await Problems.NoSpace(context).ExecuteAsync(context);
        return true;
    }
}
