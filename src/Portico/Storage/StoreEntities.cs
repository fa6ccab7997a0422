using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Portico.Storage;

/// <summary>
/// One feature's entity, registered by the feature (<see cref="StoreEntities.AddStoreEntity"/>): the store's model is
/// what the features registered, so Storage names none of them and a pack brings its own. A feature reaches its table
/// with <c>db.Set&lt;TEntity&gt;()</c>.
/// </summary>
internal sealed record StoreEntity(Type Entity, Type Configuration, Action<ModelBuilder> Apply);

internal static class StoreEntities
{
    public static IServiceCollection AddStoreEntity<TEntity>(this IServiceCollection services, IEntityTypeConfiguration<TEntity> configuration)
        where TEntity : class
    {
        if (!services.Any(d => d.ServiceType == typeof(StoreEntity) && d.ImplementationInstance is StoreEntity e && e.Entity == typeof(TEntity)))
        {
            services.AddSingleton(new StoreEntity(typeof(TEntity), configuration.GetType(), model => model.ApplyConfiguration(configuration)));
            foreach (var migration in (configuration as IStoreTableMigrations)?.Migrations ?? [])
            {
                if (migration.Version < StoreMigration.PackVersions)
                {
                    throw new InvalidOperationException(
                        $"{configuration.GetType().Name} brings migration {migration.Version} ({migration.Name}): number a pack's steps from {StoreMigration.PackVersions}; lower numbers are the core schema's.");
                }

                services.AddSingleton(migration);
            }
        }

        return services;
    }
}

/// <summary>
/// Carries the registered entities into the DbContext's options. Its hash is part of EF's service-provider key, so two
/// hosts in one process with different packs (tests do this) get different cached models.
/// </summary>
internal sealed class StoreModelExtension(IReadOnlyList<StoreEntity> entities) : IDbContextOptionsExtension
{
    private ExtensionInfo? _info;

    public IReadOnlyList<StoreEntity> Entities { get; } = [.. entities.OrderBy(e => e.Entity.FullName, StringComparer.Ordinal)];

    public DbContextOptionsExtensionInfo Info => _info ??= new ExtensionInfo(this);

    public void ApplyServices(IServiceCollection services)
    {
    }

    public void Validate(IDbContextOptions options)
    {
    }

    private sealed class ExtensionInfo(StoreModelExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        private string Key { get; } = string.Join(';', extension.Entities.Select(e => e.Configuration.AssemblyQualifiedName));

        public override bool IsDatabaseProvider => false;

        public override string LogFragment => $"Entities={extension.Entities.Count} ";

        public override int GetServiceProviderHashCode() => StringComparer.Ordinal.GetHashCode(Key);

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other)
            => other is ExtensionInfo info && info.Key == Key;

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo)
            => debugInfo["Portico:StoreEntities"] = StringComparer.Ordinal.GetHashCode(Key).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
