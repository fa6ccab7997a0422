using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Portico.Storage;

/// <summary>
/// A sliding log in the store: one row per key (<c>rate_limit_windows</c>) holding the times of the
/// calls still in the window. A check is one statement — an upsert that prunes the expired times,
/// counts the rest and appends this call if it fits — so it is atomic on any number of instances
/// (the row is locked by the upsert) and costs one round trip. The row holds at most
/// <c>limit</c> times, so its size follows the limit, not the traffic.
/// </summary>
internal sealed class StoreRateLimitStore(IServiceScopeFactory scopes, StoreConnection store, TimeProvider time) : IRateLimitStore
{
    // SET expressions see the row as it was before the statement (both providers), so the three
    // "fits" tests agree; `granted` records which caller's token took a slot, so RETURNING can say
    // whether this call was counted without a second read.
    private const string PostgresAcquire = """
        INSERT INTO rate_limit_windows AS w (key, hits, granted, touched_at)
        VALUES (@key, ARRAY[@now]::bigint[], @token, @now)
        ON CONFLICT (key) DO UPDATE SET
            hits = ARRAY(SELECT h FROM unnest(w.hits) h WHERE h > @since ORDER BY h)
                || CASE WHEN (SELECT count(*) FROM unnest(w.hits) h WHERE h > @since) < @limit THEN ARRAY[@now]::bigint[] ELSE '{}'::bigint[] END,
            granted = CASE WHEN (SELECT count(*) FROM unnest(w.hits) h WHERE h > @since) < @limit THEN @token ELSE w.granted END,
            touched_at = @now
        RETURNING granted = @token, cardinality(hits), (SELECT min(h) FROM unnest(hits) h)
        """;

    private const string SqliteAcquire = """
        INSERT INTO rate_limit_windows (key, hits, granted, touched_at)
        VALUES (@key, json_array(@now), @token, @now)
        ON CONFLICT (key) DO UPDATE SET
            hits = (SELECT json_group_array(h) FROM (
                        SELECT value AS h FROM json_each(rate_limit_windows.hits) WHERE value > @since
                        UNION ALL
                        SELECT @now WHERE (SELECT count(*) FROM json_each(rate_limit_windows.hits) WHERE value > @since) < @limit)),
            granted = CASE WHEN (SELECT count(*) FROM json_each(rate_limit_windows.hits) WHERE value > @since) < @limit THEN @token ELSE granted END,
            touched_at = @now
        RETURNING granted = @token, json_array_length(hits), (SELECT min(value) FROM json_each(hits))
        """;

    private const string Prune = "DELETE FROM rate_limit_windows WHERE touched_at < @before";

    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);
    private long _longestWindowMs;
    private long _nextPruneMs;

    public async ValueTask<RateLimitDecision> TryAcquireAsync(string key, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (limit <= 0)
        {
            return new RateLimitDecision(false, limit, 0, window, window);
        }

        var nowMs = now.ToUnixTimeMilliseconds();
        var windowMs = (long)window.TotalMilliseconds;
        return await WithConnectionAsync(async connection =>
        {
            await PruneIfDueAsync(connection, windowMs, cancellationToken);
            await using var command = Command(connection, store.Provider == StoreProvider.Postgres ? PostgresAcquire : SqliteAcquire,
                ("@key", key), ("@now", nowMs), ("@since", nowMs - windowMs), ("@limit", limit), ("@token", Random.Shared.NextInt64(1, long.MaxValue)));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var allowed = Convert.ToBoolean(reader.GetValue(0), CultureInfo.InvariantCulture);
            var used = Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture);
            long? oldest = reader.IsDBNull(2) ? null : Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture);
            return Decide(allowed, limit, used, oldest, windowMs, nowMs);
        }, cancellationToken);
    }

    public async ValueTask<RateLimitDecision> PeekAsync(string key, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var windowMs = (long)window.TotalMilliseconds;
        return await WithConnectionAsync(async connection =>
        {
            await using var command = Command(connection, "SELECT hits FROM rate_limit_windows WHERE key = @key", ("@key", key));
            var hits = await command.ExecuteScalarAsync(cancellationToken) switch
            {
                long[] array => array,
                string json => JsonSerializer.Deserialize<long[]>(json) ?? [],
                _ => [],
            };
            var live = hits.Where(h => h > nowMs - windowMs).ToArray();
            return Decide(live.Length < limit, limit, live.Length, live.Length == 0 ? null : live.Min(), windowMs, nowMs);
        }, cancellationToken);
    }

    /// <summary>Runs <paramref name="work"/> on a pooled store connection (ADO.NET: one statement, no change tracking).</summary>
    private async Task<T> WithConnectionAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            return await work(db.Database.GetDbConnection());
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static RateLimitDecision Decide(bool allowed, int limit, int used, long? oldest, long windowMs, long nowMs)
    {
        var retryAfter = allowed || oldest is null ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Max(0, oldest.Value + windowMs - nowMs));
        return new RateLimitDecision(allowed, limit, used, TimeSpan.FromMilliseconds(windowMs), retryAfter);
    }

    /// <summary>
    /// Rows of keys nobody has used for longer than any window hold no live call: once an hour an
    /// instance deletes them (whichever instance gets there first; the statement is idempotent).
    /// </summary>
    private async Task PruneIfDueAsync(DbConnection connection, long windowMs, CancellationToken cancellationToken)
    {
        var longest = Math.Max(windowMs, Interlocked.Read(ref _longestWindowMs));
        Interlocked.Exchange(ref _longestWindowMs, longest);
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var due = Interlocked.Read(ref _nextPruneMs);
        if (nowMs < due || Interlocked.CompareExchange(ref _nextPruneMs, nowMs + (long)PruneEvery.TotalMilliseconds, due) != due)
        {
            return;
        }

        if (due == 0)
        {
            return; // the first call only schedules the first prune
        }

        using var background = StoreMetrics.Background();
        await using var command = Command(connection, Prune, ("@before", nowMs - Math.Max(longest, (long)PruneEvery.TotalMilliseconds)));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Command(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
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
