using Portico.Access;
using Portico.Catalog;
using Portico.Policy;
using Portico.Storage;

namespace Portico.Gateway;

/// <summary>
/// Applies a tenant's allowlist of upstream tools: a tool it does not allow is hidden from the
/// tenant's members' tools/list, explained by list_available_tools and refused on call
/// (<c>TOOL_NOT_ALLOWED</c>). Native tools are not affected. Read through a cache that every
/// instance empties for a tenant when its allowlist changes anywhere (the store's change log).
/// </summary>
internal sealed class TenantToolAllowlist : IToolAvailability, IDisposable
{
    public const string NotAllowed = "TOOL_NOT_ALLOWED";

    private readonly GatewayToolSource _source;
    private readonly InvalidatingCache<string, IReadOnlyList<string>?> _patterns;

    public TenantToolAllowlist(GatewayToolSource source, IServiceScopeFactory scopes, StoreChanges changes)
    {
        _source = source;
        _patterns = new InvalidatingCache<string, IReadOnlyList<string>?>(changes, scopes,
                (services, tenantId, cancellationToken) => services.GetRequiredService<TenantToolAllowlistStore>().GetAsync(tenantId, cancellationToken), StringComparer.Ordinal)
            .DropOn(GatewayTopics.Allowlists, tenantId => tenantId);
    }

    public async ValueTask<UnavailableTool?> CheckAsync(ToolDefinition tool, Principal principal, TenantResolution tenant, CancellationToken cancellationToken)
    {
        if (tenant.Tenant?.TenantId is not { } tenantId || _source.UpstreamOf(tool) is null
            || await _patterns.GetAsync(tenantId, cancellationToken) is not { } patterns || TenantToolAllowlistStore.Allows(patterns, tool.Name))
        {
            return null;
        }

        return new UnavailableTool(tool.Name, NotAllowed, $"Tenant '{tenantId}' does not allow the upstream tool '{tool.Name}'.",
            $"A tenant owner or admin can allow it with PUT /admin/api/tenants/{tenantId}/upstream-tools (body {{\"tools\":[…]}}), "
            + $"or an operator runs: portico upstreams allow --tenant {tenantId} --tools '<names or prefix*>'. list_available_tools shows what this tenant allows.",
            new System.Text.Json.Nodes.JsonObject { ["tenantId"] = tenantId, ["apiPath"] = $"/admin/api/tenants/{tenantId}/upstream-tools" });
    }

    public void Dispose() => _patterns.Dispose();
}
