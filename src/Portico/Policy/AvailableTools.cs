using Portico.Access;
using Portico.Catalog;

namespace Portico.Policy;

/// <summary>
/// What a principal sees in <c>tools/list</c> for a tenant, and for every hidden tool why (scope, tier, credentials,
/// allowlist, upstream down): the answer of <c>list_available_tools</c> and of the portal's tool catalog, from this one
/// piece of code, with the same gates <c>tools/list</c> and <c>tools/call</c> apply.
/// </summary>
internal sealed class AvailableTools(Func<McpCatalog> catalog, ToolAvailability availability)
{
    public async ValueTask<AvailableToolsAnswer> ListAsync(Principal principal, TenantResolution tenant, CancellationToken cancellationToken)
    {
        var available = new List<ToolDefinition>();
        var unavailable = new List<UnavailableTool>();
        var tools = catalog();
        foreach (var tool in tools.Tools)
        {
            if (ToolGate.Check(tool, principal, tenant.Tier) is { } denied)
            {
                unavailable.Add(new UnavailableTool(tool.Name, denied.Code, denied.Message, denied.Hint));
            }
            else if (await availability.CheckAsync(tool, principal, tenant, cancellationToken) is { } refused)
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
}
