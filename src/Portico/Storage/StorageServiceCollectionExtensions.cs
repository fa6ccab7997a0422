using Microsoft.EntityFrameworkCore;
using Portico.Security;

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

            options.AddInterceptors(sp.GetRequiredService<StoreMetrics>(), sp.GetRequiredService<StoreChangeInterceptor>());
        });
        services.AddSingleton<StoreChanges>();
        services.AddSingleton<StoreChangeInterceptor>();
        services.AddScoped<StoreMigrator>();
        // Order matters: hosted services start in registration order, and everything else needs the schema.
        // StoreStartup also comes before Data Protection's own hosted service, which loads (and on an
        // empty store would create) the key ring at start-up: StoreStartup creates the first key under
        // a store-wide lock, so instances starting together share one.
        services.AddHostedService<StoreStartup>();
        services.AddPorticoDataProtection(configuration);
        services.AddHostedService<StoreChangeListener>();
        return services;
    }
}
