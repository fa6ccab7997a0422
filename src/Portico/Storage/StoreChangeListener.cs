using Microsoft.EntityFrameworkCore;

namespace Portico.Storage;

/// <summary>Reads changes other processes recorded and raises them locally (within a quarter second).</summary>
internal sealed partial class StoreChangeListener(IServiceScopeFactory scopes, StoreChanges changes, TimeProvider time, ILogger<StoreChangeListener> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        long? last = null;
        using var timer = new PeriodicTimer(Period, TimeProvider.System);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
                // Start from the newest change: what happened before this instance started is already in the store it reads.
                last ??= await db.Changes.TagWith(StoreMetrics.BackgroundTag).MaxAsync(c => (long?)c.Id, stoppingToken) ?? 0;
                var fresh = await db.Changes.TagWith(StoreMetrics.BackgroundTag).AsNoTracking().Where(c => c.Id > last).OrderBy(c => c.Id).Take(1000).ToListAsync(stoppingToken);
                foreach (var change in fresh)
                {
                    changes.Raise(change.Topic, change.Subject);
                    last = change.Id;
                }

                // Old change records are only needed by instances that were down; keep a day.
                if (fresh.Count > 0 && last.Value % 1000 == 0)
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
