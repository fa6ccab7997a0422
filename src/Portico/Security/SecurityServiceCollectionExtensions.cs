using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace Portico.Security;

internal static class SecurityServiceCollectionExtensions
{
    /// <summary>The application name every Portico process protects under, whatever its content root (server, peer, CLI).</summary>
    public const string ApplicationName = "Portico";

    /// <summary>
    /// ASP.NET Core Data Protection with its key ring in the store (<see cref="StoreXmlRepository"/>), each key's
    /// secret wrapped by a key-encryption key kept outside the store (<see cref="KeyEncryptionKeys"/>).
    /// Registered with the storage, so the CLI protects secrets with the same keys as the servers.
    /// </summary>
    public static IServiceCollection AddPorticoDataProtection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SecurityOptions>().Bind(configuration.GetSection(SecurityOptions.SectionName));
        services.AddSingleton<KeyEncryptionKeys>();
        services.AddSingleton<KeyRingProtection>();
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
}
