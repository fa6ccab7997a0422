using Portico.Storage;
namespace Portico.Access;

internal static class AccessServiceCollectionExtensions
{
    public static IServiceCollection AddPorticoAccess(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAccessEntities();
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

    /// <summary>The tables this feature owns (the CLI registers them too).</summary>
    public static IServiceCollection AddAccessEntities(this IServiceCollection services)
        => services
            .AddStoreEntity(new ApiKeyRecordConfiguration())
            .AddStoreEntity(new MembershipRecordConfiguration())
            .AddStoreEntity(new TenantRecordConfiguration())
            .AddStoreEntity(new UserRecordConfiguration());
}
