namespace Portico.Access;

internal static class AccessServiceCollectionExtensions
{
    public static IServiceCollection AddPorticoAccess(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AccessOptions>().Bind(configuration.GetSection(AccessOptions.SectionName));
        services.AddSingleton<AccessDirectory>();
        services.AddSingleton<TenantResolver>();
        services.AddSingleton<ApiKeyUsage>();
        services.AddHostedService(sp => sp.GetRequiredService<ApiKeyUsage>());
        services.AddScoped<AccessAdmin>();
        services.AddHostedService<DemoSeed>();
        services.AddPorticoAuthorization();
        return services;
    }
}
