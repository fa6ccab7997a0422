using Portico.Policy;
using Portico.Security;

namespace Portico.Gateway;

internal static class GatewayServiceCollectionExtensions
{
    public static IServiceCollection AddPorticoGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GatewayOptions>().Bind(configuration.GetSection(GatewayOptions.SectionName));
        services.AddSingleton<UpstreamClientPool>();
        services.AddSingleton<UpstreamCalls>();
        services.AddSingleton<GatewayToolSource>();
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
        services.AddScoped<UpstreamCredentialStore>();
        services.AddHostedService<UpstreamHealthMonitor>();
        return services;
    }
}
