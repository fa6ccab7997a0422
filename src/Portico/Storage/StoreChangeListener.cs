using Microsoft.EntityFrameworkCore;

namespace Portico.Storage;

/// <summary>Reads changes other processes recorded and raises them locally (within a quarter second).</summary>
internal sealed partial class StoreChangeListener(IServiceScopeFactory scopes, StoreChanges changes, TimeProvider time, ILogger<StoreChangeListener> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(250);

    /// <summary>How far below the highest seen id each poll looks for late commits.</summary>
    private const long LookBack = 200;

    private long _last;

    /// <summary>
    /// Remembers where the change log ends before the server takes requests (hosted services start
    /// before Kestrel), so nothing cached afterwards can miss a change recorded afterwards.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            _last = await db.Changes.TagWith(StoreMetrics.BackgroundTag).MaxAsync(c => (long?)c.Id, cancellationToken) ?? 0;
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
        using var timer = new PeriodicTimer(Period, TimeProvider.System);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                using var background = StoreMetrics.Background();
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
                var from = last - LookBack;
                var fresh = await db.Changes.TagWith(StoreMetrics.BackgroundTag).AsNoTracking().Where(c => c.Id > from).OrderBy(c => c.Id).Take(1000).ToListAsync(stoppingToken);
                foreach (var change in fresh)
                {
                    if (change.Id > _last && seen.Add(change.Id))
                    {
                        changes.RaiseFromStore(change);
                    }

                    last = Math.Max(last, change.Id);
                }

                seen.RemoveWhere(id => id <= last - LookBack);

                // Old change records are only needed by instances that were down; keep a day.
                if (fresh.Count > 0 && last % 1000 == 0)
                {
                    var cutoff = time.GetUtcNow().AddDays(-1);
                    await db.Changes.Where(c => c.At < cutoff).ExecuteDeleteAsync(stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPollFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "Reading store changes failed; retrying")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
