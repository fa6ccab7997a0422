using Microsoft.EntityFrameworkCore;
using Portico.Storage;

namespace Portico.Tasks;

/// <summary>
/// The tasks table. Every change of a task is a tracked save (so the change interceptor announces it on
/// <see cref="TaskTopics.Tasks"/> to every instance) guarded by the row's version: two instances updating one task
/// (an answer arriving on B while A parks another request) each read, change and retry, and neither loses the other's.
/// </summary>
internal sealed partial class TaskStore(IServiceScopeFactory scopes, TimeProvider time, ILogger<TaskStore> logger)
{
    private const int MaxAttempts = 8;

    public async Task CreateAsync(TaskRecord task, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        db.Set<TaskRecord>().Add(task);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The task as stored, whoever asks (callers check <see cref="TaskAccess"/>); null when unknown or expired.</summary>
    public async Task<TaskRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (!TaskIds.IsPlausible(id))
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        var task = await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<TaskRecord>().AsNoTracking()
            .SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
        return task is null || IsExpired(task) ? null : task;
    }

    public async Task<int> CountActiveAsync(string ownerId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<TaskRecord>()
            .CountAsync(t => t.OwnerId == ownerId && TaskStatuses.Active.Contains(t.Status), cancellationToken);
    }

    /// <summary>
    /// Reads the task, lets <paramref name="change"/> modify it (it returns false to leave it as it is) and saves it unless
    /// another writer saved first, in which case it reads again and retries. Returns the task as saved (or as found).
    /// </summary>
    public async Task<TaskRecord?> UpdateAsync(string id, Func<TaskRecord, bool> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            var task = await db.Set<TaskRecord>().SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
            if (task is null || !change(task))
            {
                return task;
            }

            task.UpdatedAt = time.GetUtcNow();
            task.Version++;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return task;
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                LogConflict(logger, id, attempt);
            }
        }
    }

    /// <summary>Renews this instance's lease on the tasks it runs (one statement for all of them).</summary>
    public async Task RenewLeasesAsync(string instanceId, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<TaskRecord>().TagWith(StoreMetrics.BackgroundTag)
            .Where(t => t.InstanceId == instanceId && TaskStatuses.Active.Contains(t.Status))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.LeaseUntil, until), cancellationToken);
    }

    /// <summary>The active tasks whose instance stopped renewing its lease before <paramref name="now"/>.</summary>
    public async Task<List<string>> FindOrphansAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<TaskRecord>().TagWith(StoreMetrics.BackgroundTag)
            .Where(t => TaskStatuses.Active.Contains(t.Status) && t.LeaseUntil < now)
            .OrderBy(t => t.LeaseUntil).Select(t => t.Id).Take(500).ToListAsync(cancellationToken);
    }

    /// <summary>Deletes finished tasks past their expiry (and relayed ones, finished or not).</summary>
    public async Task<int> PruneAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<TaskRecord>().TagWith(StoreMetrics.BackgroundTag)
            .Where(t => t.ExpiresAt < now && (!TaskStatuses.Active.Contains(t.Status) || t.UpstreamTaskId != null))
            .ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>
    /// A finished task past its expiry is gone, even before the sweeper deletes it. A relayed task is gone at its expiry
    /// whatever its status: the upstream forgets it then too, and nothing here runs it.
    /// </summary>
    private bool IsExpired(TaskRecord task) => task.ExpiresAt < time.GetUtcNow() && (TaskStatuses.IsTerminal(task.Status) || task.UpstreamTaskId is not null);

    [LoggerMessage(EventId = 801, Level = LogLevel.Debug, Message = "Task {TaskId} changed under an update (attempt {Attempt}); reading it again")]
    private static partial void LogConflict(ILogger logger, string taskId, int attempt);
}
