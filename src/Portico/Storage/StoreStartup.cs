using Microsoft.Data.Sqlite;

namespace Portico.Storage;

/// <summary>Migrates the store before the server accepts requests (hosted services start in registration order).</summary>
internal sealed partial class StoreStartup(IServiceScopeFactory scopes, StoreConnection store, ILogger<StoreStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (store.Provider == StoreProvider.Sqlite)
        {
            // WAL lets readers proceed while one writer commits; set once per database file.
            await using var connection = new SqliteConnection(store.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var scope = scopes.CreateAsyncScope();
        var applied = await scope.ServiceProvider.GetRequiredService<StoreMigrator>().MigrateAsync(cancellationToken);
        LogReady(logger, store.Provider, store.Display, StoreMigrations.Latest, applied);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Store ready: {Provider} {Store}, schema version {Version} ({Applied} migrations applied now)")]
    private static partial void LogReady(ILogger logger, StoreProvider provider, string store, int version, int applied);
}
