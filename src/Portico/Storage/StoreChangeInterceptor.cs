using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portico.Storage;

/// <summary>
/// The one change mechanism. Before a SaveChanges it adds a <c>store_changes</c> row for every added, modified
/// or deleted entity whose type has a topic (<see cref="StoreChangeServiceCollectionExtensions.AddStoreChangeTopic"/>),
/// so the rows commit or roll back with the data: a change is never acknowledged without its invalidation, nor
/// invalidated without the data. Once committed — after the save, or after the caller's own transaction commits —
/// it raises them (and any row a caller added itself with <see cref="StoreChangeLog.Record"/>) on this instance.
/// </summary>
internal sealed class StoreChangeInterceptor(IEnumerable<StoreChangeTopicRegistration> registrations, StoreChanges changes, TimeProvider time)
    : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly ILookup<Type, StoreChangeTopicRegistration> _topics = registrations
        .DistinctBy(r => (r.EntityType, r.Topic)).ToLookup(r => r.EntityType);

    // Per context (pooled contexts are reused, so both lists are reset at each save and transaction start).
    private readonly ConditionalWeakTable<DbContext, Pending> _pending = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        AddChanges(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        AddChanges(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Of(eventData.Context)?.Saving.Clear();

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveChangesFailed(eventData);
        return Task.CompletedTask;
    }

    private void AddChanges(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        // EF detects changes only after this interceptor runs; the states must be known now.
        context.ChangeTracker.DetectChanges();
        var pending = _pending.GetValue(context, _ => new Pending());
        pending.Saving.Clear();
        var now = time.GetUtcNow();
        var tracked = context.ChangeTracker.Entries<StoreChangeRecord>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        // A save retried after a failure still tracks the rows of the first attempt: no second row for the same change.
        var known = tracked.Select(c => (c.Topic, c.Subject)).ToHashSet();
        if (_topics.Count > 0)
        {
            foreach (var entry in context.ChangeTracker.Entries().ToList())
            {
                if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
                {
                    continue;
                }

                foreach (var registration in _topics[entry.Metadata.ClrType])
                {
                    if (registration.Subject(entry.Entity, entry.State) is { } subject && known.Add((registration.Topic.Name, subject)))
                    {
                        var change = new StoreChangeRecord { Topic = registration.Topic.Name, Subject = subject, At = now };
                        context.Add(change);
                        tracked.Add(change);
                    }
                }
            }
        }

        foreach (var change in tracked)
        {
            if (change.At == default)
            {
                change.At = now;
            }
        }

        pending.Saving.AddRange(tracked);
    }

    private void Saved(DbContext? context)
    {
        if (context is null || Of(context) is not { Saving.Count: > 0 } pending)
        {
            return;
        }

        if (context.Database.CurrentTransaction is not null)
        {
            // The caller's transaction may still roll back: raise when it commits.
            pending.AwaitingCommit.AddRange(pending.Saving);
        }
        else
        {
            changes.Raise(pending.Saving);
        }

        pending.Saving.Clear();
    }

    private Pending? Of(DbContext? context) => context is not null && _pending.TryGetValue(context, out var pending) ? pending : null;

    private void Committed(DbContext? context)
    {
        if (Of(context) is { AwaitingCommit.Count: > 0 } pending)
        {
            var committed = pending.AwaitingCommit.ToList();
            pending.AwaitingCommit.Clear();
            changes.Raise(committed);
        }
    }

    private void Discard(DbContext? context) => Of(context)?.AwaitingCommit.Clear();

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        Discard(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData,
        InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        Discard(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Discard(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Discard(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Discard(eventData.Context);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Discard(eventData.Context);
        return Task.CompletedTask;
    }

    private sealed class Pending
    {
        public List<StoreChangeRecord> Saving { get; } = [];

        public List<StoreChangeRecord> AwaitingCommit { get; } = [];
    }
}
