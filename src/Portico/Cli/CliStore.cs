using Portico.Access;
using Portico.Storage;

namespace Portico.Cli;

/// <summary>
/// The store as the administrative commands see it: storage and <see cref="AccessAdmin"/> without
/// the web server, migrated first so a command works on a fresh store.
/// </summary>
internal sealed class CliStore(ServiceProvider services) : IAsyncDisposable
{
    public IServiceProvider Services => services;

    public static async Task<CliStore> OpenAsync(string store, CancellationToken cancellationToken)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"{StoreOptions.SectionName}:Store"] = store })
            .Build();
        var collection = new ServiceCollection();
        collection.AddSingleton(TimeProvider.System);
        collection.AddLogging();
        collection.AddPorticoStorage(configuration);
        collection.AddScoped<AccessAdmin>();
        var cli = new CliStore(collection.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true }));
        try
        {
            await using var scope = cli.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<StoreMigrator>().MigrateAsync(cancellationToken);
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
