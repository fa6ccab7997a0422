using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace Portico.Storage;

/// <summary>Applies <see cref="StoreMigrations"/> that the store has not seen, each in its own transaction.</summary>
internal sealed partial class StoreMigrator(PorticoDbContext db, StoreConnection store, TimeProvider time, ILogger<StoreMigrator> logger)
{
    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await ExecuteAsync(connection, null, store.Provider == StoreProvider.Postgres
                ? "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)"
                : "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
                cancellationToken);

            if (store.Provider == StoreProvider.Postgres)
            {
                // Several instances may start at once on one database: one migrates, the others wait
                // here and then find the schema current (the lock is released when the connection closes).
                await ExecuteAsync(connection, null, "SELECT pg_advisory_lock(735173)", cancellationToken);
            }

            var current = await GetVersionAsync(connection, cancellationToken);
            if (current > StoreMigrations.Latest)
            {
                throw new StoreConfigurationException(
                    $"The store is at schema version {current}, newer than this Portico build knows ({StoreMigrations.Latest}).",
                    "Run a Portico release at least as new as the one that last migrated this store.");
            }

            var applied = 0;
            foreach (var migration in StoreMigrations.All.Where(m => m.Version > current))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await ExecuteAsync(connection, transaction, migration.SqlFor(store.Provider), cancellationToken);
                await using (var record = connection.CreateCommand())
                {
                    record.Transaction = transaction;
                    record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @at)";
                    AddParameter(record, "@version", migration.Version);
                    AddParameter(record, "@name", migration.Name);
                    AddParameter(record, "@at", time.GetUtcNow().ToUnixTimeMilliseconds());
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                LogApplied(logger, migration.Version, migration.Name);
                applied++;
            }

            return applied;
        }
        finally
        {
            if (store.Provider == StoreProvider.Postgres)
            {
                await ExecuteAsync(connection, null, "SELECT pg_advisory_unlock(735173)", CancellationToken.None);
            }

            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The schema version the store is at, or 0 when it was never migrated.</summary>
    public async Task<int> GetVersionAsync(CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            return await GetVersionAsync(connection, cancellationToken);
        }
        catch (DbException)
        {
            return 0;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<int> GetVersionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Applied store migration {Version} ({Name})")]
    private static partial void LogApplied(ILogger logger, int version, string name);
}
