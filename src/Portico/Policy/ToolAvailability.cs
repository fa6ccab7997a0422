using Portico.Access;
using Portico.Catalog;

namespace Portico.Policy;

/// <summary>All registered <see cref="IToolAvailability"/> checks, asked in order; the first refusal wins.</summary>
internal sealed class ToolAvailability(IEnumerable<IToolAvailability> checks)
{
    private readonly IToolAvailability[] _checks = [.. checks];

    public async ValueTask<UnavailableTool?> CheckAsync(ToolDefinition tool, Principal principal, TenantResolution tenant, CancellationToken cancellationToken)
    {
        foreach (var check in _checks)
        {
            if (await check.CheckAsync(tool, principal, tenant, cancellationToken) is { } unavailable)
            {
                return unavailable;
            }
        }

        return null;
    }
}
