using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portico.Telemetry;

namespace Portico.Storage;

/// <summary>
/// Reads changes other processes recorded and raises them locally. On PostgreSQL a dedicated
/// connection LISTENs for the notification each committed change sends (migration 9), so a change
/// arrives in milliseconds; the log is still read every few seconds in case a notification was lost
/// with a connection, and every quarter second while the LISTEN connection is down. On SQLite the log
/// is read every quarter second.
/// </summary>
internal sealed partial class StoreChangeListener(IServiceScopeFactory scopes, StoreChanges changes, StoreConnection store, TimeProvider time,
    ILogger<StoreChangeListener> logger) : BackgroundService
{
    public const string Channel = "portico_store_changes";

    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ListeningPeriod = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _signal = new(0, 1);
    private volatile bool _listening;

    /// <summary>True while a PostgreSQL LISTEN connection is up (changes arrive as they commit).</summary>
    public bool IsListening => _listening;

    /// <summary>How far below the highest seen id each poll looks for late commits.</summary>
    private const long LookBack = 200;

    /// <summary>Old change records are only needed by instances that were down; a day is kept.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    /// <summary>How often a poll also prunes records older than <see cref="Retention"/>.</summary>
    public static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(1);

    private long _last;
    private DateTimeOffset _nextPrune;

    /// <summary>
    /// Remembers where the change log ends before the server takes requests (hosted services start
    /// before Kestrel), so nothing cached afterwards can miss a change recorded afterwards.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            _last = await db.Set<StoreChangeRecord>().TagWith(StoreMetrics.BackgroundTag).MaxAsync(c => (long?)c.Id, cancellationToken) ?? 0;
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var last = _last;
        // Ids come from a sequence, and a transaction holding a lower id can commit after a higher id
        // was read. So each poll looks back a little below the highest id seen, and remembers which
        // ids of that window it already raised.
        var seen = new HashSet<long>();
        var listen = store.Provider == StoreProvider.Postgres ? ListenAsync(stoppingToken) : Task.CompletedTask;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(_listening ? ListeningPeriod : Period, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            try
            {
                using var background = StoreMetrics.Background();
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
                var from = last - LookBack;
                var fresh = await db.Set<StoreChangeRecord>().TagWith(StoreMetrics.BackgroundTag).AsNoTracking().Where(c => c.Id > from).OrderBy(c => c.Id).Take(1000).ToListAsync(stoppingToken);
                DateTimeOffset? oldestRaised = null;
                foreach (var change in fresh)
                {
                    if (change.Id > _last && seen.Add(change.Id))
                    {
                        changes.RaiseFromStore(change);
                        oldestRaised = oldestRaised is { } o && o <= change.At ? o : change.At;
                    }

                    last = Math.Max(last, change.Id);
                }

                seen.RemoveWhere(id => id <= last - LookBack);
                PorticoMetrics.RecordChangeLogLag(oldestRaised is { } at ? time.GetUtcNow() - at : TimeSpan.Zero);

                // By the clock, whatever the ids: pruning once tied to round ids never ran when bursts skipped them.
                var now = time.GetUtcNow();
                if (now >= _nextPrune)
                {
                    _nextPrune = now + PruneInterval;
                    var cutoff = now - Retention;
                    await db.Set<StoreChangeRecord>().TagWith(StoreMetrics.BackgroundTag).Where(c => c.At < cutoff).ExecuteDeleteAsync(stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPollFailed(logger, ex);
            }
        }

        await listen;
    }

    /// <summary>Holds a LISTEN connection and wakes the reader on every notification; reconnects after a failure.</summary>
    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(store.ConnectionString);
                connection.Notification += (_, _) => Wake();
                await connection.OpenAsync(stoppingToken);
                await using (var command = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await command.ExecuteNonQueryAsync(stoppingToken);
                }

                _listening = true;
                Wake(); // read once: changes committed while the connection was down sent no notification to us
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _listening = false;
                LogListenFailed(logger, ex);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void Wake()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // A read is already due; it will see this change too.
        }
        catch (ObjectDisposedException)
        {
            // Stopping.
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _signal.Dispose();
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "Reading store changes failed; retrying")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "Listening for store changes failed; reading the change log every 250 ms until the connection is back")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);
}
