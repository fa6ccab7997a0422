using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace Portico.Storage;

/// <summary>
/// Applies the steps the store has not seen, each in its own transaction: the core schema's (<see cref="StoreMigrations"/>)
/// and those the packs registered with their tables (<see cref="IStoreTableMigrations"/>).
/// </summary>
internal sealed partial class StoreMigrator(PorticoDbContext db, StoreConnection store, IEnumerable<StoreMigration> packSteps, TimeProvider time,
    ILogger<StoreMigrator> logger)
{
    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        // Several instances may start at once on one store: one migrates, the others wait here and then
        // find the schema current. Taken before anything is created: even CREATE TABLE IF NOT EXISTS races
        // in PostgreSQL (two sessions both see no table and one fails on pg_type's unique index), and two
        // SQLite processes would both read "nothing applied" and run step 1 twice.
        await using var migrating = await StoreLock.AcquireAsync(store, "migrate", cancellationToken);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await ExecuteAsync(connection, null, store.Provider == StoreProvider.Postgres
                ? "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)"
                : "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
                cancellationToken);

            var steps = Steps();
            var done = await GetAppliedAsync(connection, cancellationToken);
            if (done.Where(v => v < StoreMigration.PackVersions).DefaultIfEmpty(0).Max() is var newest && newest > StoreMigrations.Latest)
            {
                throw new StoreConfigurationException(
                    $"The store is at schema version {newest}, newer than this Portico build knows ({StoreMigrations.Latest}).",
                    "Run a Portico release at least as new as the one that last migrated this store.");
            }

            // Every step not yet recorded, in order (not only those above the highest: a step merged
            // from a parallel branch with a lower number still runs).
            var applied = 0;
            foreach (var migration in steps.Where(m => !done.Contains(m.Version)))
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
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Every step in order; two with one number are a build error, reported before anything runs.</summary>
    private List<StoreMigration> Steps()
    {
        var steps = StoreMigrations.All.Concat(packSteps.Distinct()).OrderBy(m => m.Version).ToList();
        for (var i = 1; i < steps.Count; i++)
        {
            if (steps[i].Version == steps[i - 1].Version)
            {
                throw new StoreConfigurationException(
                    $"Two store migrations have the number {steps[i].Version}: '{steps[i - 1].Name}' and '{steps[i].Name}'.",
                    "Give one of them a number no other step uses (a pack's steps are numbered from 100000).");
            }
        }

        return steps;
    }

    /// <summary>The schema version the store is at (the last step applied with every step before it), or 0 when it was never migrated.</summary>
    public async Task<int> GetVersionAsync(CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var applied = await GetAppliedAsync(connection, cancellationToken);
            return StoreMigrations.All.TakeWhile(m => applied.Contains(m.Version)).LastOrDefault()?.Version ?? 0;
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

    /// <summary>The steps recorded as applied, in order (what the portal's overview shows; never the connection string).</summary>
    public async Task<IReadOnlyList<AppliedMigration>> ListAppliedAsync(CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT version, name, applied_at FROM schema_migrations ORDER BY version";
            var steps = new List<AppliedMigration>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                steps.Add(new AppliedMigration(
                    Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
                    reader.GetString(1),
                    DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture))));
            }

            return steps;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<HashSet<int>> GetAppliedAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_migrations";
        var versions = new HashSet<int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        }

        return versions;
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
