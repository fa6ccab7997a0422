using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Portico.Storage;

namespace Portico.Security;

internal static class SecurityServiceCollectionExtensions
{
    /// <summary>The application name every Portico process protects under, whatever its content root (server, peer, CLI).</summary>
    public const string ApplicationName = "Portico";

    /// <summary>
    /// ASP.NET Core Data Protection with its key ring in the store (<see cref="StoreXmlRepository"/>), each key's
    /// secret wrapped by a key-encryption key kept outside the store (<see cref="KeyEncryptionKeys"/>).
    /// Registered right after the storage (by the server and the CLI alike), so the CLI protects secrets with the same
    /// keys as the servers.
    /// </summary>
    public static IServiceCollection AddPorticoDataProtection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSecurityEntities();
        services.AddOptions<SecurityOptions>().Bind(configuration.GetSection(SecurityOptions.SectionName));
        services.AddSingleton<KeyEncryptionKeys>();
        services.AddSingleton<KeyRingProtection>();
        // Before Data Protection's own hosted service, which loads (and on an empty store would create) the key ring
        // at start-up: KeyRingStartup creates the first key under a store-wide lock, so instances starting together share one.
        services.AddHostedService<KeyRingStartup>();
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddOptions<KeyManagementOptions>().Configure<IServiceScopeFactory, TimeProvider, KeyEncryptionKeys>((options, scopes, time, keys) =>
        {
            options.XmlRepository = new StoreXmlRepository(scopes, time);
            if (keys.Current is { } current)
            {
                options.XmlEncryptor = new KeyRingXmlEncryptor(current);
            }
        });
        return services;
    }

    /// <summary>The tables this feature owns (the CLI registers them too).</summary>
    public static IServiceCollection AddSecurityEntities(this IServiceCollection services)
        => services
            .AddStoreEntity(new DataProtectionKeyRecordConfiguration());
}
