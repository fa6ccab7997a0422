using Npgsql;

namespace Portico.Storage;

/// <summary>
/// A lock every process on one store shares, for start-up steps that must run once even when several
/// instances start together on an empty store (the first Data Protection key, the demo seed).
/// PostgreSQL: a session advisory lock. SQLite: an exclusive lock on a file beside the database.
/// </summary>
internal static class StoreLock
{
    public static async Task<IAsyncDisposable> AcquireAsync(StoreConnection store, string name, CancellationToken cancellationToken)
    {
        if (store.Provider == StoreProvider.Postgres)
        {
            var connection = new NpgsqlConnection(store.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using (var command = new NpgsqlCommand("SELECT pg_advisory_lock(hashtextextended(@name, 0))", connection))
            {
                command.Parameters.AddWithValue("name", "portico:" + name);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            // Closing the session releases the lock.
            return connection;
        }

        var path = $"{store.Display}.{name}.lock";
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                await Task.Delay(50, cancellationToken); // another process holds it
            }
        }
    }
}
