using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
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
            // EF Core logs a failed save and a failed command at Error before the exception reaches the code that made the
            // call. Some failures are expected and handled there (a unique key that lost a race: an idempotency key, a
            // workflow step another instance started), and an unhandled one still surfaces as the exception and is logged
            // where it ends, with the request's context. EF's own copies would put a `fail:` line with a stack trace in the
            // log for every lost race, so they are Debug.
            options.ConfigureWarnings(w => w.Log((CoreEventId.SaveChangesFailed, LogLevel.Debug), (RelationalEventId.CommandError, LogLevel.Debug)));
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
