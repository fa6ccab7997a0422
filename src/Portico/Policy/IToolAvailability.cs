using Portico.Access;
using Portico.Catalog;

namespace Portico.Policy;

/// <summary>
/// A per-caller reason a catalog tool cannot be used now (a credential the caller has not stored,
/// a tenant's allowlist). <c>tools/list</c> omits such a tool, <c>list_available_tools</c> explains
/// it, and <c>tools/call</c> refuses it with the same code and hint.
/// </summary>
internal interface IToolAvailability
{
    /// <summary>Null when <paramref name="tool"/> is usable by this caller in this tenant.</summary>
    ValueTask<UnavailableTool?> CheckAsync(ToolDefinition tool, Principal principal, TenantResolution tenant, CancellationToken cancellationToken);
}
