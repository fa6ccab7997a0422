using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Storage;

namespace Portico.Tools.Workflows;

/// <summary>
/// The run engine, on every instance: claims due runs with a lease (queued ones, and running ones whose lease ran out
/// because their instance died), runs them (<see cref="WorkflowRunExecutor"/>), renews the leases of the runs it works on,
/// and stops a run here when its row says it is no longer this instance's (cancelled on any instance, or taken over).
/// The claim is one statement: on PostgreSQL it locks the rows it takes with <c>FOR UPDATE SKIP LOCKED</c>, so engines
/// never wait on each other; SQLite has a single writer, which serializes claims. Due schedules are fired first
/// (<see cref="WorkflowSchedules"/>), so their runs are claimed in the same round.
/// </summary>
internal sealed partial class WorkflowEngine(
    IServiceScopeFactory scopes,
    StoreConnection store,
    WorkflowRunExecutor executor,
    WorkflowSchedules schedules,
    WorkflowApprovalWaits approvalWaits,
    IOptionsMonitor<WorkflowOptions> options,
    TimeProvider time,
    ILogger<WorkflowEngine> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>This process, as the runs it holds name it; new at every start.</summary>
    public string InstanceId { get; } = "wfe_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));

    /// <summary>Looks for due runs now (a run was just queued on this instance).</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    /// <summary>Stops the run here if this instance works on it (its row already says cancelled).</summary>
    public void CancelHere(string runId)
    {
        if (_running.TryGetValue(runId, out var running))
        {
            running.Cancel();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var renewed = time.GetTimestamp();
        while (!stoppingToken.IsCancellationRequested)
        {
            var settings = options.CurrentValue;
            try
            {
                using var background = StoreMetrics.Background();
                if (time.GetElapsedTime(renewed) >= settings.LeaseDuration / 3)
                {
                    await RenewAsync(settings, stoppingToken);
                    renewed = time.GetTimestamp();
                }

                await schedules.FireDueAsync(stoppingToken);
                await approvalWaits.SettleAsync(stoppingToken);
                var free = settings.MaxConcurrentRuns - _running.Count;
                if (free > 0)
                {
                    foreach (var runId in await ClaimAsync(free, settings, stoppingToken))
                    {
                        Start(runId, stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException)
            {
                LogEngineFailed(logger, ex);
            }

            try
            {
                await _wake.WaitAsync(Min(settings.PollInterval, settings.LeaseDuration / 3), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>On shutdown the runs here stop where they are and their leases are given up, so another instance continues them at once.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var running in _running.Values)
        {
            running.Cancel();
        }

        // Every lease this instance holds, not a snapshot of the runs still going here: stopping cancels the runs, and
        // a run that ended on that cancellation has already left the running set while its row still names this instance.
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<WorkflowRunEntity>()
                .Where(r => r.LeaseHolder == InstanceId && r.Status == RunStatuses.Running)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseHolder, (string?)null).SetProperty(r => r.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or OperationCanceledException)
        {
            LogEngineFailed(logger, ex);
        }
    }

    private void Start(string runId, CancellationToken stoppingToken)
    {
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        if (!_running.TryAdd(runId, cancel))
        {
            cancel.Dispose();
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await executor.RunAsync(runId, InstanceId, cancel.Token);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                // Cancelled (the row says so), taken over, or shutting down: the row already tells.
            }
            catch (Exception ex)
            {
                // The lease runs out and an instance continues the run from its last finished step.
                LogRunFailed(logger, ex, runId);
            }
            finally
            {
                _running.TryRemove(runId, out _);
                cancel.Dispose();
                Wake();
            }
        }, CancellationToken.None);
    }

    /// <summary>Takes up to <paramref name="limit"/> due runs: queued and due, or running with a lease that was given up or ran out.</summary>
    private async Task<List<string>> ClaimAsync(int limit, WorkflowOptions settings, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var skipLocked = store.Provider == StoreProvider.Postgres ? " FOR UPDATE SKIP LOCKED" : "";
        command.CommandText = $"""
            -- {StoreMetrics.BackgroundTag}
            UPDATE workflow_runs SET status = '{RunStatuses.Running}', lease_holder = @holder, lease_until = @until,
                started_at = COALESCE(started_at, @now), updated_at = @now
            WHERE id IN (
                SELECT id FROM workflow_runs
                WHERE (status = '{RunStatuses.Queued}' AND due_at <= @now)
                   OR (status = '{RunStatuses.Running}' AND (lease_holder IS NULL OR lease_until < @now))
                ORDER BY due_at LIMIT @limit{skipLocked})
            RETURNING id
            """;
        var now = time.GetUtcNow();
        Add(command, "@holder", InstanceId);
        Add(command, "@until", (now + settings.LeaseDuration).ToUnixTimeMilliseconds());
        Add(command, "@now", now.ToUnixTimeMilliseconds());
        Add(command, "@limit", limit);
        var claimed = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(reader.GetString(0));
            }
        }

        foreach (var id in claimed)
        {
            LogClaimed(logger, id, InstanceId);
        }

        return claimed;
    }

    /// <summary>Renews the leases of the runs in progress here (no others), and stops those whose row no longer names this instance (cancelled, or taken over).</summary>
    private async Task RenewAsync(WorkflowOptions settings, CancellationToken cancellationToken)
    {
        var ids = _running.Keys.ToList();
        if (ids.Count == 0)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var runs = scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<WorkflowRunEntity>();
        var until = time.GetUtcNow() + settings.LeaseDuration;
        // Only the runs in progress here: a run whose executor ended without ending the row (it lost a step's
        // compare-and-set, or failed) must be left to its lease, so that it is claimed again and continued.
        await runs.Where(r => ids.Contains(r.Id) && r.LeaseHolder == InstanceId && r.Status == RunStatuses.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseUntil, until), cancellationToken);
        var held = await runs.AsNoTracking().Where(r => r.LeaseHolder == InstanceId && r.Status == RunStatuses.Running)
            .Select(r => r.Id).ToListAsync(cancellationToken);
        foreach (var lost in ids.Except(held, StringComparer.Ordinal))
        {
            CancelHere(lost);
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 1610, Level = LogLevel.Debug, Message = "Run {RunId} claimed by {InstanceId}")]
    private static partial void LogClaimed(ILogger logger, string runId, string instanceId);

    [LoggerMessage(EventId = 1611, Level = LogLevel.Warning, Message = "The workflow engine could not reach the store; will retry")]
    private static partial void LogEngineFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1612, Level = LogLevel.Error, Message = "Run {RunId} stopped unexpectedly; another instance continues it when its lease runs out")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, string runId);
}
