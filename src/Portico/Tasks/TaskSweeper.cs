using System.Data.Common;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using Portico.Storage;

namespace Portico.Tasks;

/// <summary>
/// One instance at a time (the one holding the <c>task-sweeper</c> lease in the store) fails the tasks whose instance
/// died — their lease ran out unrenewed, so nothing will ever finish them — with the reason and what to do, and deletes
/// finished tasks past their expiry. A task is never left <c>working</c> forever.
/// </summary>
internal sealed partial class TaskSweeper(IServiceScopeFactory scopes, TaskStore store, TaskRunner runner, IOptionsMonitor<TaskOptions> options,
    TimeProvider time, ILogger<TaskSweeper> logger) : BackgroundService
{
    public const string LeaseName = "task-sweeper";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.CurrentValue.SweepInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                using var background = StoreMetrics.Background();
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException)
            {
                LogSweepFailed(logger, ex);
            }
        }
    }

    /// <summary>One round; false when another instance holds the lease.</summary>
    public async Task<bool> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            if (!await StoreLease.TryClaimAsync(db, LeaseName, runner.InstanceId, options.CurrentValue.SweepInterval * 3, now, cancellationToken))
            {
                return false;
            }
        }

        foreach (var id in await store.FindOrphansAsync(now, cancellationToken))
        {
            if (runner.IsRunningHere(id))
            {
                continue; // alive here; its lease is renewed on the next beat
            }

            var failed = await store.UpdateAsync(id, task =>
            {
                if (TaskStatuses.IsTerminal(task.Status) || task.LeaseUntil is not { } lease || lease >= now)
                {
                    return false;
                }

                task.Status = TaskStatuses.Failed;
                task.StatusMessage = TaskRunner.InstanceStoppedMessage;
                task.Error = TaskWire.Error((int)McpErrorCode.InternalError, TaskRunner.InstanceStoppedMessage);
                task.InputRequests = null;
                task.InputResponses = null;
                task.LeaseUntil = null;
                var keepUntil = now + options.CurrentValue.MinimumRetention;
                if (task.ExpiresAt < keepUntil)
                {
                    task.ExpiresAt = keepUntil;
                }

                return true;
            }, cancellationToken);
            if (failed?.Status == TaskStatuses.Failed)
            {
                LogOrphanFailed(logger, id, failed.InstanceId);
            }
        }

        var pruned = await store.PruneAsync(now, cancellationToken);
        if (pruned > 0)
        {
            LogPruned(logger, pruned);
        }

        return true;
    }

    [LoggerMessage(EventId = 810, Level = LogLevel.Warning, Message = "Task {TaskId} failed: its instance {InstanceId} stopped renewing its lease")]
    private static partial void LogOrphanFailed(ILogger logger, string taskId, string? instanceId);

    [LoggerMessage(EventId = 811, Level = LogLevel.Information, Message = "Pruned {Count} expired tasks")]
    private static partial void LogPruned(ILogger logger, int count);

    [LoggerMessage(EventId = 812, Level = LogLevel.Warning, Message = "Task sweep failed; will retry on the next round")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
