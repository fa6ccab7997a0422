using Portico.Access;
using Portico.Catalog;
using Portico.Integrations;

namespace Portico.Policy;

/// <summary>
/// What a principal sees in <c>tools/list</c> for a tenant, and for every hidden tool why (scope, tier, credentials,
/// allowlist, upstream down, an integration the tenant has not configured): the answer of <c>list_available_tools</c> and of the portal's tool catalog, from this one
/// piece of code, with the same gates <c>tools/list</c> and <c>tools/call</c> apply.
/// </summary>
internal sealed class AvailableTools(Func<McpCatalog> catalog, ToolAvailability availability, IntegrationGate integrations)
{
    /// <param name="baseUrl">This server's public URL, for the portal link of an integration that is not configured.</param>
    public async ValueTask<AvailableToolsAnswer> ListAsync(Principal principal, TenantResolution tenant, string? baseUrl, CancellationToken cancellationToken)
    {
        var available = new List<ToolDefinition>();
        var unavailable = new List<UnavailableTool>();
        var tools = catalog();
        foreach (var tool in tools.Tools)
        {
            if (await CheckAsync(tool, principal, tenant, baseUrl, cancellationToken) is { } refused)
            {
                unavailable.Add(refused);
            }
            else
            {
                available.Add(tool);
            }
        }

        unavailable.AddRange(tools.Unavailable);
        return new AvailableToolsAnswer(available, unavailable);
    }

    /// <summary>Why this principal cannot call the tool in this tenant now, or null when it can (<c>get_tool_details</c> asks for one tool).</summary>
    public async ValueTask<UnavailableTool?> CheckAsync(ToolDefinition tool, Principal principal, TenantResolution tenant, string? baseUrl, CancellationToken cancellationToken)
        => ToolGate.Check(tool, principal, tenant.Tier) is { } denied
            ? new UnavailableTool(tool.Name, denied.Code, denied.Message, denied.Hint)
            : await availability.CheckAsync(tool, principal, tenant, cancellationToken)
                // Listed by tools/list (so a model learns it exists), but not callable until the tenant connects the integration.
                ?? await integrations.CheckAsync(tool, tenant, baseUrl, cancellationToken);
}
