using Portico.Policy;
using Portico.Security;
using Portico.Storage;

namespace Portico.Gateway;

internal static class GatewayServiceCollectionExtensions
{
    public static IServiceCollection AddPorticoGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddGatewayEntities();
        services.AddOptions<GatewayOptions>().Bind(configuration.GetSection(GatewayOptions.SectionName));
        services.AddSingleton<UpstreamClientPool>();
        services.AddSingleton<UpstreamCalls>();
        services.AddSingleton<UpstreamInputRounds>();
        services.AddSingleton<GatewayToolSource>();
        services.AddSingleton<UpstreamTaskRelay>();
        services.AddSingleton<Tasks.ITaskRelay>(sp => sp.GetRequiredService<UpstreamTaskRelay>());
        services.AddSingleton<UpstreamCredentialCache>();
        services.AddSingleton<UpstreamOAuth>();
        services.AddSingleton<UpstreamOAuthLinks>();
        services.AddScoped<UpstreamOAuthClient>();
        services.Configure<OutboundHttpOptions>(UpstreamHttp.UpstreamsKey, configuration.GetSection(OutboundHttpOptions.Section(UpstreamHttp.UpstreamsKey)));
        services.Configure<OutboundHttpOptions>(UpstreamHttp.OAuthKey, configuration.GetSection(OutboundHttpOptions.Section(UpstreamHttp.OAuthKey)));
        services.AddSingleton<UpstreamHttp>();
        services.AddSingleton<IToolAvailability, UpstreamCredentialAvailability>();
        services.AddSingleton<TenantToolAllowlist>();
        services.AddSingleton<IToolAvailability>(sp => sp.GetRequiredService<TenantToolAllowlist>());
        services.AddScoped<TenantToolAllowlistStore>();
        services.AddScoped<UpstreamAdmin>();
        services.AddScoped<UpstreamHealthHistory>();
        services.AddScoped<UpstreamCredentialStore>();
        services.AddHostedService<UpstreamHealthMonitor>();
        return services.AddGatewayStoreTopics();
    }

    /// <summary>The tables this feature owns (the CLI registers them too).</summary>
    public static IServiceCollection AddGatewayEntities(this IServiceCollection services)
        => services
            .AddStoreEntity(new UpstreamRecordConfiguration())
            .AddStoreEntity(new UpstreamCredentialRecordConfiguration())
            .AddStoreEntity(new UpstreamOAuthClientRecordConfiguration())
            .AddStoreEntity(new UpstreamOAuthStateRecordConfiguration())
            .AddStoreEntity(new UpstreamOAuthSpentLinkRecordConfiguration())
            .AddStoreEntity(new TenantToolAllowlistRecordConfiguration())
            .AddStoreEntity(new UpstreamRoundMessageRecordConfiguration())
            .AddStoreEntity(new UpstreamHealthCheckRecordConfiguration());
    /// <summary>The saves the gateway's caches must hear of (also registered by the CLI).</summary>
    public static IServiceCollection AddGatewayStoreTopics(this IServiceCollection services)
        => services.AddStoreChangeTopic<UpstreamRecord>(GatewayTopics.Upstreams, u => u.Name)
            .AddStoreChangeTopic<UpstreamCredentialRecord>(GatewayTopics.Credentials, c => UpstreamCredentialStore.Subject(c.Upstream, c.OwnerKind, c.OwnerId))
            .AddStoreChangeTopic<TenantToolAllowlistRecord>(GatewayTopics.Allowlists, a => a.TenantId)
            .AddStoreChangeTopic<UpstreamRoundMessageRecord>(GatewayTopics.InputRounds, m => m.RoundId, (_, state) => state == Microsoft.EntityFrameworkCore.EntityState.Added);
}
