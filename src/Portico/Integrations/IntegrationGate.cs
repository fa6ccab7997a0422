using System.Text.Json.Nodes;
using Portico.Access;
using Portico.Catalog;

namespace Portico.Integrations;

/// <summary>
/// The pipeline's integration step (after tenant and tier, before the input schema) and what explains it elsewhere
/// (<c>list_available_tools</c>, <c>get_tool_details</c>): a tool that declares an integration its tenant has not configured is
/// answered <c>INTEGRATION_NOT_CONFIGURED</c> with the portal link that configures it. The tool stays in <c>tools/list</c>, so
/// a model learns it exists and how to enable it.
/// </summary>
internal sealed class IntegrationGate(IntegrationRegistry registry, TenantIntegrationCache secrets, IServiceScopeFactory scopes)
{
    public const string NotConfigured = "INTEGRATION_NOT_CONFIGURED";

    /// <summary>The portal page where a tenant's owners and admins configure its integrations.</summary>
    public static string PortalPath(string tenantId) => $"/portal/tenants/{Uri.EscapeDataString(tenantId)}/integrations";

    /// <summary>
    /// Null when the tool needs no integration, no tenant is resolved (the tenant step answers that), or the tenant has
    /// configured it; otherwise why not, with the link built on <paramref name="baseUrl"/> (the server's public URL).
    /// </summary>
    public async ValueTask<UnavailableTool?> CheckAsync(ToolDefinition tool, TenantResolution tenant, string? baseUrl, CancellationToken cancellationToken)
    {
        if (tool.Integration is not { } name || tenant.Tenant is not { } membership)
        {
            return null;
        }

        if (registry.Find(name) is { Accounts: true })
        {
            // Read from the store, not a cache: an account connected on any instance counts at the very next call.
            await using var scope = scopes.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<TenantAccountStore>().AnyAsync(membership.TenantId, name, cancellationToken)
                ? null
                : Missing(tool, membership, baseUrl);
        }

        return await secrets.GetSecretAsync(membership.TenantId, name, cancellationToken) is null ? Missing(tool, membership, baseUrl) : null;
    }

    /// <summary>What the call's handler reads secrets through: only its tool's integration, only of the resolved tenant.</summary>
    public IToolIntegrations For(ToolDefinition tool, TenantResolution tenant, string? baseUrl)
        => tool.Integration is { } name && tenant.Tenant is { } membership
            ? new TenantIntegrationSecrets(secrets, tool.Name, name, membership.TenantId, Missing(tool, membership, baseUrl))
            : new NoToolIntegrations(tool.Name);

    private UnavailableTool Missing(ToolDefinition tool, TenantMembership tenant, string? baseUrl)
    {
        var name = tool.Integration!;
        // Declared integrations are checked at start-up; a tool naming another still gets a useful answer, not a crash.
        var definition = registry.Find(name);
        var title = definition?.Title ?? name;
        var link = (baseUrl?.TrimEnd('/') ?? "") + PortalPath(tenant.TenantId);
        var accounts = definition?.Accounts == true;
        return new UnavailableTool(tool.Name, NotConfigured,
            accounts ? $"No {title} account is connected for tenant '{tenant.Name}'." : $"No {title} integration is configured for tenant '{tenant.Name}'.",
            accounts
                ? $"A tenant owner or admin connects an account in the portal: {link} — 'Connect account' and sign in at the provider; the next call works (with that account's accountId from list_connected_accounts)."
                : $"A tenant owner or admin connects it in the portal: {link} — paste the secret and save; the next call works.",
            new JsonObject
            {
                ["integration"] = name,
                ["title"] = title,
                ["tenantId"] = tenant.TenantId,
                ["link"] = link,
                ["secret"] = definition?.Secret,
                ["whereToGet"] = definition?.WhereToGet,
                ["accounts"] = accounts,
            });
    }
}
