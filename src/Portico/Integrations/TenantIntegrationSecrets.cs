using Portico.Catalog;

namespace Portico.Integrations;

/// <summary>One call's view of the integration secrets: the tool's declared integration, of the tenant the call resolved — nothing else.</summary>
internal sealed class TenantIntegrationSecrets(TenantIntegrationCache cache, string tool, string integration, string tenantId, UnavailableTool missing) : IToolIntegrations
{
    public async ValueTask<string> GetSecretAsync(string name, CancellationToken cancellationToken)
    {
        if (name != integration)
        {
            throw new InvalidOperationException($"Tool '{tool}' declares integration '{integration}' and cannot read '{name}'.");
        }

        return await cache.GetSecretAsync(tenantId, integration, cancellationToken) ?? throw new IntegrationNotConfiguredException(missing);
    }
}
