using Portico.Policy;

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
        services.AddHttpClient(UpstreamOAuthClient.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
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
