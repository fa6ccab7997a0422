using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Portico.Storage;

internal static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddPorticoStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StoreOptions>().Bind(configuration.GetSection(StoreOptions.SectionName));
        services.AddSingleton(sp =>
        {
            var options = configuration.GetSection(StoreOptions.SectionName).Get<StoreOptions>() ?? new StoreOptions();
            return StoreConnection.Parse(options.Store);
        });
        services.AddSingleton<StoreMetrics>();
        services.AddSingleton<StoreSpans>();
        services.AddDbContextPool<PorticoDbContext>((sp, options) =>
        {
            var store = sp.GetRequiredService<StoreConnection>();
            if (store.Provider == StoreProvider.Postgres)
            {
                options.UseNpgsql(store.ConnectionString);
            }
            else
            {
                options.UseSqlite(store.ConnectionString);
            }

            ((IDbContextOptionsBuilderInfrastructure)options).AddOrUpdateExtension(new StoreModelExtension([.. sp.GetServices<StoreEntity>()]));
            options.AddInterceptors(sp.GetRequiredService<StoreMetrics>(), sp.GetRequiredService<StoreSpans>(), sp.GetRequiredService<StoreChangeInterceptor>());
        });
        services.AddStoreEntity(new StoreChangeRecordConfiguration());
        services.AddStoreEntity(new StoreLeaseRecordConfiguration());
        services.AddSingleton<StoreChanges>();
        services.AddSingleton<IRateLimitStore, StoreRateLimitStore>();
        services.AddSingleton<StoreChangeInterceptor>();
        services.AddScoped<StoreMigrator>();
        // Order matters: hosted services start in registration order, and everything else needs the schema.
        services.AddHostedService<StoreStartup>();
        services.AddHostedService<StoreChangeListener>();
        return services;
    }
}
