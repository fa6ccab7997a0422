using System.Data;
using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portico.Storage;

namespace Portico.Policy.RateLimiting;

/// <summary>
/// A sliding log in the store (<c>rate_limit_events</c>): one row per counted call, pruned as the
/// window slides. The check-and-count runs in one write transaction, so concurrent callers on any
/// instance (or process) cannot both take the last slot.
/// </summary>
internal sealed class StoreRateLimitStore(IServiceScopeFactory scopes, StoreConnection store) : IRateLimitStore
{
    public ValueTask<RateLimitDecision> TryAcquireAsync(string key, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken)
        => RunAsync(key, limit, window, now, count: true, cancellationToken);

    public ValueTask<RateLimitDecision> PeekAsync(string key, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken)
        => RunAsync(key, limit, window, now, count: false, cancellationToken);

    private async ValueTask<RateLimitDecision> RunAsync(string key, int limit, TimeSpan window, DateTimeOffset now, bool count, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            // SQLite: a write transaction (BEGIN IMMEDIATE) serializes writers across processes.
            // PostgreSQL: a transaction-scoped advisory lock on the key serializes callers of one key only.
            var postgres = store.Provider == StoreProvider.Postgres;
            await using var transaction = await connection.BeginTransactionAsync(postgres ? IsolationLevel.ReadCommitted : IsolationLevel.Serializable, cancellationToken);
            if (postgres)
            {
                await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", cancellationToken, ("@key", key));
            }

            var nowMs = now.ToUnixTimeMilliseconds();
            var since = nowMs - (long)window.TotalMilliseconds;
            await ExecuteAsync(connection, transaction, "DELETE FROM rate_limit_events WHERE key = @key AND at <= @since", cancellationToken, ("@key", key), ("@since", since));

            long used;
            long? oldest;
            await using (var read = Command(connection, transaction, "SELECT COUNT(*), MIN(at) FROM rate_limit_events WHERE key = @key", ("@key", key)))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                used = reader.GetInt64(0);
                oldest = reader.IsDBNull(1) ? null : Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
            }

            var allowed = used < limit;
            if (allowed && count)
            {
                await ExecuteAsync(connection, transaction, "INSERT INTO rate_limit_events (key, at) VALUES (@key, @at)", cancellationToken, ("@key", key), ("@at", nowMs));
                used++;
            }

            await transaction.CommitAsync(cancellationToken);
            var retryAfter = allowed || oldest is null ? TimeSpan.Zero : TimeSpan.FromMilliseconds(oldest.Value + (long)window.TotalMilliseconds - nowMs);
            return new RateLimitDecision(allowed, limit, (int)used, window, retryAfter);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
