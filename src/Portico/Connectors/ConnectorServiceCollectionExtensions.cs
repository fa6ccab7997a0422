using Microsoft.Extensions.Options;
using Portico.Catalog;
using Portico.Integrations;
using Portico.Security;
using Portico.Storage;

namespace Portico.Connectors;

internal static class ConnectorServiceCollectionExtensions
{
    public static IServiceCollection AddPorticoConnectors(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddConnectorEntities();
        services.AddOptions<ConnectorOptions>().Bind(configuration.GetSection(ConnectorOptions.SectionName));
        services.Configure<OutboundHttpOptions>(ConnectorHttp.Key, configuration.GetSection(OutboundHttpOptions.Section(ConnectorHttp.Key)));
        services.AddSingleton<ConnectorHttp>();
        services.AddSingleton<ConnectorCalls>();
        services.AddSingleton<ConnectorAccounts>();
        services.AddSingleton<ConnectorToolSource>();
        services.AddScoped<ConnectorOAuth>();
        services.AddScoped<IToolPrefixOwner, ConnectorPrefixes>();
        // A connector's security scheme is an integration tenants connect in the portal.
        services.AddSingleton<IIntegrationSource>(sp => sp.GetRequiredService<ConnectorToolSource>());
        services.AddScoped(sp => new ConnectorAdmin(sp.GetRequiredService<PorticoDbContext>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ConnectorHttp>().Client(), sp.GetRequiredService<IOptions<ConnectorOptions>>().Value.MaxDocumentBytes,
            sp.GetRequiredService<IntegrationRegistry>()));
        services.AddHostedService<ConnectorLoader>();
        return services.AddConnectorStoreTopics();
    }

    /// <summary>The table this feature owns (the CLI registers it too).</summary>
    public static IServiceCollection AddConnectorEntities(this IServiceCollection services)
        => services.AddStoreEntity(new ConnectorRecordConfiguration())
            .AddStoreEntity(new ConnectorOAuthClientRecordConfiguration())
            .AddStoreEntity(new ConnectorOAuthStateRecordConfiguration());

    /// <summary>The saves every instance's connector tools follow (also registered by the CLI).</summary>
    public static IServiceCollection AddConnectorStoreTopics(this IServiceCollection services)
        => services.AddStoreChangeTopic<ConnectorRecord>(ConnectorTopics.Connectors, c => c.Name);
}
