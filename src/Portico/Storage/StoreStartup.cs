using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Portico.Security;

namespace Portico.Storage;

/// <summary>
/// Migrates the store before the server accepts requests, puts the Data Protection key ring under the
/// key-encryption key, and makes sure the ring has a key.
/// </summary>
internal sealed partial class StoreStartup(IServiceScopeFactory scopes, StoreConnection store, KeyRingProtection keyRing, IDataProtectionProvider protection,
    ILogger<StoreStartup> logger) : IHostedService
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

        // Instances starting together on an empty store would each create a first key; one at a time,
        // the first creates it and the others find it in the store.
        await using (await StoreLock.AcquireAsync(store, "startup", cancellationToken))
        {
            await keyRing.PrepareAsync(cancellationToken);
            protection.CreateProtector("Portico.Startup").Protect([1]);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Store ready: {Provider} {Store}, schema version {Version} ({Applied} migrations applied now)")]
    private static partial void LogReady(ILogger logger, StoreProvider provider, string store, int version, int applied);
}
