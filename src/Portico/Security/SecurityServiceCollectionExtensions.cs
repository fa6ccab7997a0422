using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace Portico.Security;

internal static class SecurityServiceCollectionExtensions
{
    /// <summary>The application name every Portico process protects under, whatever its content root (server, peer, CLI).</summary>
    public const string ApplicationName = "Portico";

    /// <summary>
    /// ASP.NET Core Data Protection with its key ring in the store (<see cref="StoreXmlRepository"/>).
    /// Registered with the storage, so the CLI protects secrets with the same keys as the servers.
    /// </summary>
    public static IServiceCollection AddPorticoDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddOptions<KeyManagementOptions>().Configure<IServiceScopeFactory, TimeProvider>((options, scopes, time) => options.XmlRepository = new StoreXmlRepository(scopes, time));
        return services;
    }
}
