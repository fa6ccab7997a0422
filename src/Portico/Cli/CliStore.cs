using Portico.Access;
using Portico.Connectors;
using Portico.Gateway;
using Portico.Identity;
using Portico.Integrations;
using Portico.Mcp;
using Portico.Policy;
using Portico.Policy.Approvals;
using Portico.Security;
using Portico.Storage;
using Portico.Toolsets;

namespace Portico.Cli;

/// <summary>
/// The store as the administrative commands see it: storage and <see cref="AccessAdmin"/> without
/// the web server, migrated first so a command works on a fresh store, with its key ring under the
/// same key-encryption key as the servers'.
/// </summary>
internal sealed class CliStore(ServiceProvider services) : IAsyncDisposable
{
    public IServiceProvider Services => services;

    public static async Task<CliStore> OpenAsync(string store, CancellationToken cancellationToken)
    {
        // The same sources as the server (appsettings.json beside the binary, then Portico__… variables), so the
        // CLI finds the key-encryption key the servers use; the --store flag goes last and wins.
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"{StoreOptions.SectionName}:Store"] = store })
            .Build();
        var collection = new ServiceCollection();
        collection.AddSingleton(TimeProvider.System);
        collection.AddLogging();
        collection.AddPorticoStorage(configuration);
        collection.AddPorticoDataProtection(configuration);
        collection.AddAccessEntities().AddIdentityEntities().AddGatewayEntities().AddAuditEntities().AddMcpEntities().AddIntegrationEntities().AddConnectorEntities().AddApprovalEntities().AddToolsetEntities();
        // Running servers must hear of what a command changes.
        collection.AddAccessStoreTopics().AddIdentityStoreTopics().AddGatewayStoreTopics().AddIntegrationStoreTopics().AddConnectorStoreTopics().AddToolsetStoreTopics();
        collection.AddScoped<AccessAdmin>();
        GrantTypes.AddBuiltIn(collection);
        var cli = new CliStore(collection.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true }));
        try
        {
            await using var scope = cli.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<StoreMigrator>().MigrateAsync(cancellationToken);
            await using (await StoreLock.AcquireAsync(scope.ServiceProvider.GetRequiredService<StoreConnection>(), "startup", cancellationToken))
            {
                await scope.ServiceProvider.GetRequiredService<KeyRingProtection>().PrepareAsync(cancellationToken);
            }
            return cli;
        }
        catch
        {
            await cli.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => services.DisposeAsync();
}
