using Portico.Storage;

namespace Portico.Integrations;

internal static class IntegrationServiceCollectionExtensions
{
    public static IServiceCollection AddPorticoIntegrations(this IServiceCollection services)
    {
        services.AddIntegrationEntities();
        services.AddSingleton<IntegrationRegistry>();
        services.AddSingleton<TenantIntegrationCache>();
        services.AddSingleton<IntegrationGate>();
        services.AddScoped<TenantIntegrationStore>();
        services.AddScoped<TenantAccountStore>();
        services.AddHostedService<IntegrationDeclarations>();
        return services.AddIntegrationStoreTopics();
    }

    /// <summary>Declares an integration the caller's tools need (<c>ToolDefinition.Integration</c>); call it where those tools are registered.</summary>
    public static IServiceCollection AddIntegration(this IServiceCollection services, IntegrationDefinition definition)
    {
        definition.Validate();
        return services.AddSingleton(definition);
    }

    /// <summary>The table this feature owns (the CLI registers it too).</summary>
    public static IServiceCollection AddIntegrationEntities(this IServiceCollection services)
        => services.AddStoreEntity(new TenantIntegrationRecordConfiguration()).AddStoreEntity(new TenantAccountRecordConfiguration());

    /// <summary>The saves the secret cache must hear of (also registered by the CLI).</summary>
    public static IServiceCollection AddIntegrationStoreTopics(this IServiceCollection services)
        => services.AddStoreChangeTopic<TenantIntegrationRecord>(IntegrationTopics.Secrets, i => TenantIntegrationStore.Subject(i.TenantId, i.Integration));
}
