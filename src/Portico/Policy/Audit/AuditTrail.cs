using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Storage;

namespace Portico.Policy.Audit;

/// <summary>
/// Takes audit records off the request path: calls enqueue, a background loop writes them in
/// batches, and a graceful shutdown writes whatever is left before the process exits.
/// </summary>
internal sealed partial class AuditTrail(IServiceScopeFactory scopes, IOptions<AuditOptions> options, TimeProvider time, ILogger<AuditTrail> logger) : BackgroundService
{
    private const int BatchSize = 500;
    private static readonly TimeSpan RetentionSweepPeriod = TimeSpan.FromHours(1);
    private readonly Channel<AuditRecord> _pending = Channel.CreateUnbounded<AuditRecord>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;

    public void Enqueue(AuditRecord record) => _pending.Writer.TryWrite(record);

    /// <summary>Writes everything queued so far (tests and shutdown).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        // One flush at a time: a caller that flushes waits for records another flush is writing.
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            await FlushQueuedAsync(cancellationToken);
        }
        finally
        {
            _flushing.Release();
        }
    }

    private async Task FlushQueuedAsync(CancellationToken cancellationToken)
    {
        var batch = new List<AuditRecord>(BatchSize);
        while (_pending.Reader.TryRead(out var record))
        {
            batch.Add(record);
            if (batch.Count == BatchSize)
            {
                await WriteAsync(batch, cancellationToken);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            await WriteAsync(batch, cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _pending.Reader.WaitToReadAsync(stoppingToken))
            {
                try
                {
                    await FlushAsync(stoppingToken);
                    await SweepAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogWriteFailed(logger, ex);
                    await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // The web server stopped first (it was registered later), so no call is still adding records.
        await FlushAsync(CancellationToken.None);
    }

    private async Task WriteAsync(List<AuditRecord> batch, CancellationToken cancellationToken)
    {
        using var background = StoreMetrics.Background();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            await AuditBatchInsert.WriteAsync(db, batch, cancellationToken);
        }
        catch
        {
            // Nothing is lost on a failed write: the records go back in the queue for the next attempt.
            foreach (var record in batch)
            {
                record.Id = 0;
                _pending.Writer.TryWrite(record);
            }

            throw;
        }
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now - _lastSweep < RetentionSweepPeriod)
        {
            return;
        }

        _lastSweep = now;
        using var background = StoreMetrics.Background();
        var cutoff = now - options.Value.Retention;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        await db.Audit.TagWith(StoreMetrics.BackgroundTag).Where(a => a.At < cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Error, Message = "Writing audit records failed; they stay queued and are retried")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception);
}
