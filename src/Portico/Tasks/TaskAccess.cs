using Portico.Access;
using Portico.Catalog;

namespace Portico.Tasks;

/// <summary>
/// Who may see, answer and cancel a task: its owner, in the tenant it was created in, with a credential that may use
/// its tool. Anyone else gets the answer an unknown id gets, so an id reveals nothing (not even that it exists).
/// </summary>
internal static class TaskAccess
{
    /// <summary>The tenant a call acts in for tasks: the credential's binding, else the tenant the URL names.</summary>
    public static string? TenantOf(McpCallContext call) => call.Principal.BoundTenantId ?? call.UrlTenantId;

    public static bool Allows(TaskRecord task, McpCallContext call)
        => string.Equals(task.OwnerId, call.Principal.Id, StringComparison.Ordinal)
            && string.Equals(task.TenantId, TenantOf(call), StringComparison.Ordinal)
            && (task.RequiredScope is null || Scopes.Allows(call.Principal.Scopes, task.RequiredScope));
}
