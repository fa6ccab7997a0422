using Portico.Storage;

namespace Portico.Integrations;

/// <summary>The store changes this feature raises and its cache follows.</summary>
internal static class IntegrationTopics
{
    /// <summary>A tenant's integration secret was set, replaced or cleared; subject: <see cref="TenantIntegrationStore.Subject"/>.</summary>
    public static readonly StoreTopic Secrets = new("integrations.secret");
}
