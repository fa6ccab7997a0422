using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Portico.Storage;

namespace Portico.Tools.Records;

/// <summary>
/// Creates the store indexes a model's index hints ask for (<see cref="AttributeIndex"/>), when the model is imported or
/// defined, idempotently: an index that is there already is kept, so importing or defining again only makes sure. Runs its
/// DDL on a connection of its own, outside any transaction (PostgreSQL builds the index concurrently, so writers are not
/// blocked while a large table is indexed).
/// </summary>
internal sealed partial class ModelIndexes(IServiceScopeFactory scopes, ILogger<ModelIndexes> logger)
{
    /// <summary>Makes sure each path has its index; returns the paths whose index could not be made (logged).</summary>
    public async Task<IReadOnlyList<string>> EnsureAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        if (paths.Count == 0)
        {
            return [];
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var provider = Provider(db);
        var failed = new List<string>();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = db.Database.GetDbConnection();
            foreach (var path in paths)
            {
                try
                {
                    await ExecuteAsync(connection, AttributeIndex.Create(provider, path), cancellationToken);
                    if (provider == StoreProvider.Postgres && !(await ExistingAsync(connection, provider, cancellationToken)).Contains(AttributeIndex.Name(path)))
                    {
                        // IF NOT EXISTS kept an invalid index a failed concurrent build left behind: build it again.
                        await ExecuteAsync(connection, AttributeIndex.DropInvalid(path), cancellationToken);
                        await ExecuteAsync(connection, AttributeIndex.Create(provider, path), cancellationToken);
                    }
                }
                catch (DbException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    LogIndexFailed(path, ex);
                    failed.Add(path);
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return failed;
    }

    /// <summary>The names of the attribute indexes the store has, usable now.</summary>
    public async Task<IReadOnlySet<string>> ExistingAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            return await ExistingAsync(db.Database.GetDbConnection(), Provider(db), cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<IReadOnlySet<string>> ExistingAsync(DbConnection connection, StoreProvider provider, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = AttributeIndex.Existing(provider);
        var names = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.GetString(0) is { } name && name.StartsWith(AttributeIndex.NamePrefix, StringComparison.Ordinal))
            {
                names.Add(name);
            }
        }

        return names;
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static StoreProvider Provider(PorticoDbContext db)
        => db.Database.ProviderName?.Contains("Npgsql", StringComparison.Ordinal) == true ? StoreProvider.Postgres : StoreProvider.Sqlite;

    [LoggerMessage(EventId = 1720, Level = LogLevel.Warning, Message = "The store index for attribute path '{Path}' could not be created; queries on it still work, without the index.")]
    private partial void LogIndexFailed(string path, Exception exception);
}
