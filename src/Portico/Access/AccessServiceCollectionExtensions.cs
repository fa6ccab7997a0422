using Microsoft.EntityFrameworkCore;
using Portico.Storage;

namespace Portico.Access;

internal static class AccessServiceCollectionExtensions
{
    public static IServiceCollection AddPorticoAccess(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAccessEntities();
        services.AddOptions<AccessOptions>().Bind(configuration.GetSection(AccessOptions.SectionName));
        services.AddOptions<MetricsAccessOptions>().Bind(configuration.GetSection(MetricsAccessOptions.SectionName));
        services.AddSingleton<AccessDirectory>();
        services.AddSingleton<TenantResolver>();
        services.AddSingleton<ApiKeyUsage>();
        services.AddHostedService(sp => sp.GetRequiredService<ApiKeyUsage>());
        services.AddScoped<AccessAdmin>();
        services.AddPorticoAuthorization();
        return services.AddAccessStoreTopics();
    }

    /// <summary>The tables this feature owns (the CLI registers them too).</summary>
    public static IServiceCollection AddAccessEntities(this IServiceCollection services)
        => services
            .AddStoreEntity(new ApiKeyRecordConfiguration())
            .AddStoreEntity(new MembershipRecordConfiguration())
            .AddStoreEntity(new TenantRecordConfiguration())
            .AddStoreEntity(new UserRecordConfiguration());
    /// <summary>The saves <see cref="AccessDirectory"/> must hear of (also registered by the CLI, whose writes running servers must hear of).</summary>
    public static IServiceCollection AddAccessStoreTopics(this IServiceCollection services)
        // A new key or tenant is in no cache yet (unknown keys are not cached; a new tenant has no members): only changes count.
        => services.AddStoreChangeTopic<ApiKeyRecord>(AccessTopics.Key, k => k.Id, (_, state) => state != EntityState.Added)
            .AddStoreChangeTopic<TenantRecord>(AccessTopics.Tenant, t => t.Id, (_, state) => state != EntityState.Added)
            .AddStoreChangeTopic<MembershipRecord>(AccessTopics.User, m => m.UserId);
}
