using Microsoft.EntityFrameworkCore;
using Portico.Catalog;
using Portico.Storage;

namespace Portico.Connectors;

/// <summary>
/// Serves the stored connectors: loads them when the server starts and again whenever any instance or the CLI changes one
/// (the store change <see cref="ConnectorTopics.Connectors"/>), so a reload updates the tools of every instance.
/// </summary>
internal sealed partial class ConnectorLoader(ConnectorToolSource source, McpCatalog catalog, StoreChanges changes, IServiceScopeFactory scopes,
    TimeProvider time, ILogger<ConnectorLoader> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0);
    private IDisposable? _subscription;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        catalog.AddSource(source);
        _subscription = changes.Subscribe(ConnectorTopics.Connectors, _ => _wake.Release());
        await base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _subscription?.Dispose();
        _wake.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var background = StoreMetrics.Background();
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
                source.Apply(await db.Set<ConnectorRecord>().AsNoTracking().OrderBy(c => c.Name).ToListAsync(stoppingToken));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogLoadFailed(logger, ex);
                // Try again shortly (the store may be starting), or sooner when a change arrives.
                _ = Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken).ContinueWith(_ => _wake.Release(), TaskScheduler.Default);
            }

            try
            {
                await _wake.WaitAsync(stoppingToken);
                // Several changes in a row are one reload.
                while (_wake.CurrentCount > 0)
                {
                    await _wake.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 1803, Level = LogLevel.Error, Message = "Could not load the connectors from the store; the tools served stay as they were")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception);
}
