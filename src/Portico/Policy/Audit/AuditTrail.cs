using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Storage;
using Portico.Telemetry;

namespace Portico.Policy.Audit;

/// <summary>
/// Writes audit records with group commit: calls queue their record, one writer loop inserts whatever
/// is queued in one transaction, and each call waits for the commit of its own batch before its result
/// is released (<see cref="AuditDurability.Durable"/>), so an acknowledged call is in the trail even
/// after a crash. While a batch commits, the next one gathers, so many concurrent calls share one
/// transaction. With <see cref="AuditDurability.Async"/> calls do not wait. A graceful shutdown writes
/// whatever is left before the process exits.
/// </summary>
internal sealed partial class AuditTrail(IServiceScopeFactory scopes, IOptionsMonitor<AuditOptions> options, TimeProvider time, ILogger<AuditTrail> logger) : BackgroundService
{
    private const int BatchSize = 500;
    private static readonly TimeSpan RetentionSweepPeriod = TimeSpan.FromHours(1);
    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;
    private Task _sweep = Task.CompletedTask;

    /// <summary>
    /// Queues <paramref name="record"/>. The task completes when it has committed (durable mode; cancelling
    /// stops the wait, not the write) or at once (async mode).
    /// </summary>
    public Task RecordAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        // The call's trace, taken here where every record passes, while the call's span is still current.
        if (record.TraceId is null && System.Diagnostics.Activity.Current is { IdFormat: System.Diagnostics.ActivityIdFormat.W3C } span)
        {
            record.TraceId = span.TraceId.ToHexString();
        }

        PorticoMetrics.AuditQueued(1);
        if (options.CurrentValue.Durability == AuditDurability.Async)
        {
            _pending.Writer.TryWrite(new Pending(record, null));
            return Task.CompletedTask;
        }

        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending.Writer.TryWrite(new Pending(record, committed));
        return committed.Task.WaitAsync(cancellationToken);
    }

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
        var batch = new List<Pending>(BatchSize);
        while (_pending.Reader.TryRead(out var pending))
        {
            batch.Add(pending);
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
                    StartSweepIfDue(stoppingToken);
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
        await _sweep;
    }

    private async Task WriteAsync(List<Pending> batch, CancellationToken cancellationToken)
    {
        using var background = StoreMetrics.Background();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            await AuditBatchInsert.WriteAsync(db, [.. batch.Select(p => p.Record)], cancellationToken);
        }
        catch
        {
            // Nothing is lost on a failed write: the records go back in the queue for the next attempt
            // (and their calls keep waiting for it).
            foreach (var pending in batch)
            {
                _pending.Writer.TryWrite(pending);
            }

            throw;
        }

        PorticoMetrics.AuditCommitted(batch.Count);
        foreach (var pending in batch)
        {
            pending.Committed?.TrySetResult();
        }
    }

    /// <summary>The retention sweep runs beside the writer, so calls never wait behind a large delete.</summary>
    private void StartSweepIfDue(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now - _lastSweep < RetentionSweepPeriod || !_sweep.IsCompleted)
        {
            return;
        }

        _lastSweep = now;
        _sweep = SweepAsync(now - options.CurrentValue.Retention, cancellationToken);
    }

    private async Task SweepAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        try
        {
            using var background = StoreMetrics.Background();
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            await db.Set<AuditRecord>().TagWith(StoreMetrics.BackgroundTag).Where(a => a.At < cutoff).ExecuteDeleteAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            LogSweepFailed(logger, ex);
        }
    }

    private sealed record Pending(AuditRecord Record, TaskCompletionSource? Committed);

    [LoggerMessage(EventId = 600, Level = LogLevel.Error, Message = "Writing audit records failed; they stay queued and are retried")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "Deleting audit records past their retention failed; retried within the hour")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
