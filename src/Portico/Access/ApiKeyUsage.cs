using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Portico.Storage;

namespace Portico.Access;

/// <summary>
/// Counts key use in memory and writes the totals in batches (every few seconds and at shutdown),
/// so authenticating a request never writes to the store.
/// </summary>
internal sealed partial class ApiKeyUsage(IServiceScopeFactory scopes, ILogger<ApiKeyUsage> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(5);
    private ConcurrentDictionary<string, Counter> _pending = new(StringComparer.Ordinal);

    public void Record(string keyId, DateTimeOffset at)
    {
        var counter = _pending.GetOrAdd(keyId, _ => new Counter());
        counter.Add(at);
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var batch = Interlocked.Exchange(ref _pending, new ConcurrentDictionary<string, Counter>(StringComparer.Ordinal));
        if (batch.IsEmpty)
        {
            return;
        }

        using var background = StoreMetrics.Background();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        foreach (var (keyId, counter) in batch)
        {
            var (uses, lastUsed) = counter.Read();
            await db.Set<ApiKeyRecord>().TagWith(StoreMetrics.BackgroundTag).Where(k => k.Id == keyId).ExecuteUpdateAsync(k => k
                .SetProperty(r => r.UseCount, r => r.UseCount + uses)
                .SetProperty(r => r.LastUsedAt, lastUsed), cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await TryFlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await TryFlushAsync(cancellationToken);
    }

    private async Task TryFlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFlushFailed(logger, ex);
        }
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "Writing API key usage counters failed")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);

    private sealed class Counter
    {
        private long _uses;
        private long _lastUsedTicks;

        public void Add(DateTimeOffset at)
        {
            Interlocked.Increment(ref _uses);
            long seen;
            do
            {
                seen = Interlocked.Read(ref _lastUsedTicks);
            }
            while (at.UtcTicks > seen && Interlocked.CompareExchange(ref _lastUsedTicks, at.UtcTicks, seen) != seen);
        }

        public (long Uses, DateTimeOffset LastUsed) Read() => (Interlocked.Read(ref _uses), new DateTimeOffset(Interlocked.Read(ref _lastUsedTicks), TimeSpan.Zero));
    }
}
