using Microsoft.EntityFrameworkCore;
using Portico.Catalog;
using Portico.Policy;
using Portico.Storage;

namespace Portico.Mcp;

internal static class McpServiceCollectionExtensions
{
    public static IServiceCollection AddPorticoMcp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMcpEntities();
        services.AddOptions<McpOptions>().Bind(configuration.GetSection(McpOptions.SectionName));
        // The slim builder leaves out the regex route constraint; /{tenantId}/mcp needs it.
        services.Configure<RouteOptions>(o => o.SetParameterPolicy<Microsoft.AspNetCore.Routing.Constraints.RegexInlineRouteConstraint>("regex"));
        services.AddSingleton(sp => McpCatalog.Build(sp.GetServices<IMcpPack>()));
        // Packs that describe the catalog itself (catalog meta-tools) read it lazily: it is built from them.
        services.AddSingleton<Func<McpCatalog>>(sp => sp.GetRequiredService<McpCatalog>);
        services.AddSingleton<McpServerFactory>();
        services.AddSingleton<SseEventStore>();
        services.AddSingleton<McpSessionManager>();
        services.AddSingleton<SessionRequestRelay>();
        services.AddSingleton<SessionRecords>();
        services.AddScoped<SessionAdmin>();
        services.AddSingleton<SessionAuthorizations>();
        services.AddSingleton<SessionContextBuilder>();
        services.AddSingleton<McpHttpHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Routing.MatcherPolicy, McpMetadataMatcherPolicy>();
        services.AddHostedService<SessionSweeper>();
        services.AddHostedService<StandaloneStreamShutdown>();
        return services.AddStoreChangeTopic<RelayedAnswerRecord>(McpTopics.RelayedAnswers, a => a.SessionId, (_, state) => state == EntityState.Added);
    }

    /// <summary>Adds a pack's tools, resources and prompts to the catalog.</summary>
    public static IServiceCollection AddMcpPack<TPack>(this IServiceCollection services)
        where TPack : class, IMcpPack
    {
        TPack.AddServices(services);
        return services.AddSingleton<IMcpPack, TPack>();
    }

    /// <summary>The tables this feature owns (the CLI registers them too).</summary>
    public static IServiceCollection AddMcpEntities(this IServiceCollection services)
        => services
            .AddStoreEntity(new SessionRecordConfiguration())
            .AddStoreEntity(new RelayedAnswerRecordConfiguration());
}
