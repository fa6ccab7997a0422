using Microsoft.EntityFrameworkCore;
using Portico.Access;
using Portico.Catalog;
using Portico.Storage;

namespace Portico.Tools.Records;

/// <summary>
/// The entities (and records) of one tenant, and the only way to read or write them: built on the tenant's
/// <see cref="TenantData{TEntity}"/> (every query filtered by the tenant id, every insert stamped with it),
/// which the pack binds to the tenant the policy pipeline resolved for the call, so a tool cannot name another.
/// </summary>
internal sealed class TenantEntities(TenantData<EntityRow> data, TimeProvider time)
{
    /// <summary>The same tenant's models (what entities are validated against).</summary>
    public TenantModels Models { get; } = new(data.Of<ModelRow>(), time);

    /// <summary>Attempts of an update without <c>expectedVersion</c> that keeps losing to concurrent writers.</summary>
    private const int UpdateAttempts = 5;

    public string TenantId => data.TenantId;

    private IQueryable<EntityRow> Owned => data.Rows;

    public async Task<StoredEntity?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var entity = await Owned.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        return entity is null ? null : Snapshot(entity);
    }

    /// <summary>Newest first (creation time, then id), <paramref name="limit"/> at a time.</summary>
    public async Task<RecordPage> ListAsync(string? collection, int limit, RecordCursor? after, CancellationToken cancellationToken)
    {
        var query = Owned.AsNoTracking();
        if (collection is not null)
        {
            query = query.Where(r => r.Model == collection);
        }

        if (after is { } cursor)
        {
            var createdAt = cursor.CreatedAt;
            var id = cursor.Id;
            query = query.Where(r => r.CreatedAt < createdAt || (r.CreatedAt == createdAt && string.Compare(r.Id, id) < 0));
        }

        var entities = await query.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Take(limit + 1).ToListAsync(cancellationToken);
        var records = entities.Take(limit).Select(Snapshot).ToList();
        return new RecordPage(records, entities.Count > limit ? RecordCursor.After(records[^1]) : null);
    }

    /// <summary>
    /// Creates a record. With an idempotency key already used in this tenant, returns the record
    /// that key created (<c>Duplicate</c>) instead; concurrent calls with one key are settled by the
    /// store's unique index, so exactly one of them inserts.
    /// </summary>
    public async Task<(StoredEntity Record, bool Duplicate)> CreateAsync(NewEntity record, string createdBy, string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (idempotencyKey is not null && await FindByIdempotencyKeyAsync(idempotencyKey, cancellationToken) is { } earlier)
        {
            return (earlier, true);
        }

        var entity = NewEntity(record, createdBy, idempotencyKey, Now());
        data.Add(entity);
        try
        {
            await data.SaveChangesAsync(cancellationToken);
            return (Snapshot(entity), false);
        }
        catch (DbUpdateException ex) when (idempotencyKey is not null && StoreFailure.IsUniqueViolation(ex))
        {
            data.Forget();
            var winner = await FindByIdempotencyKeyAsync(idempotencyKey, cancellationToken);
            if (winner is null)
            {
                throw;
            }

            return (winner, true);
        }
    }

    /// <summary>Creates all records or none: one transaction.</summary>
    public async Task<IReadOnlyList<StoredEntity>> CreateManyAsync(IReadOnlyList<NewEntity> records, string createdBy, CancellationToken cancellationToken)
    {
        var now = Now();
        var entities = records.Select(r => NewEntity(r, createdBy, null, now)).ToList();
        await using var transaction = await data.BeginTransactionAsync(cancellationToken);
        data.AddRange(entities);
        await data.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return [.. entities.Select(Snapshot)];
    }

    /// <summary>Replaces the data of a record; with <paramref name="expectedVersion"/>, only if the record is still at that version.</summary>
    public async Task<EntityUpdate> UpdateAsync(string id, string data, int? expectedVersion, CancellationToken cancellationToken)
    {
        StoredEntity? current = null;
        for (var attempt = 0; attempt < UpdateAttempts; attempt++)
        {
            current = await GetAsync(id, cancellationToken);
            if (current is null)
            {
                return new EntityUpdate(EntityUpdateOutcome.NotFound, null);
            }

            if (expectedVersion is { } expected && expected != current.Version)
            {
                return new EntityUpdate(EntityUpdateOutcome.Conflict, current);
            }

            // Compare-and-set on the version read above: a concurrent update makes this match no row.
            var readVersion = current.Version;
            var now = Now();
            var changed = await Owned
                .Where(r => r.Id == id && r.Version == readVersion)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Data, data)
                    .SetProperty(r => r.Version, readVersion + 1)
                    .SetProperty(r => r.UpdatedAt, now), cancellationToken);
            if (changed == 1)
            {
                return new EntityUpdate(EntityUpdateOutcome.Updated, current with { Data = data, Version = readVersion + 1, UpdatedAt = now });
            }
        }

        return new EntityUpdate(EntityUpdateOutcome.Conflict, current);
    }

    /// <summary>
    /// Replaces the data of several entities, all or none (one transaction): each only if it is still at its expected
    /// version (or, without one, at the version read here). The first that is missing or has moved stops the batch and
    /// nothing is changed; its index and outcome are returned.
    /// </summary>
    public async Task<(IReadOnlyList<StoredEntity> Updated, int FailedAt, EntityUpdate? Failure)> UpdateManyAsync(
        IReadOnlyList<(string Id, string Data, int? ExpectedVersion)> updates, CancellationToken cancellationToken)
    {
        var now = Now();
        var updated = new List<StoredEntity>(updates.Count);
        await using var transaction = await data.BeginTransactionAsync(cancellationToken);
        for (var i = 0; i < updates.Count; i++)
        {
            var (id, text, expectedVersion) = updates[i];
            var current = await GetAsync(id, cancellationToken);
            if (current is null)
            {
                return ([], i, new EntityUpdate(EntityUpdateOutcome.NotFound, null));
            }

            var version = expectedVersion ?? current.Version;
            var changed = version == current.Version
                ? await Owned.Where(r => r.Id == id && r.Version == version).ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Data, text)
                    .SetProperty(r => r.Version, version + 1)
                    .SetProperty(r => r.UpdatedAt, now), cancellationToken)
                : 0;
            if (changed != 1)
            {
                return ([], i, new EntityUpdate(EntityUpdateOutcome.Conflict, await GetAsync(id, cancellationToken) ?? current));
            }

            updated.Add(current with { Data = text, Version = version + 1, UpdatedAt = now });
        }

        await transaction.CommitAsync(cancellationToken);
        return (updated, -1, null);
    }

    /// <summary>
    /// Sets the publish dates of several entities, all or none (one transaction), each as an update (version + 1) at its
    /// expected version or the version read here; the first that is missing or has moved stops the batch.
    /// </summary>
    public async Task<(IReadOnlyList<StoredEntity> Updated, int FailedAt, EntityUpdate? Failure)> ScheduleManyAsync(
        IReadOnlyList<(string Id, PublishSchedule Schedule, int? ExpectedVersion)> changes, CancellationToken cancellationToken)
    {
        var now = Now();
        var updated = new List<StoredEntity>(changes.Count);
        await using var transaction = await data.BeginTransactionAsync(cancellationToken);
        for (var i = 0; i < changes.Count; i++)
        {
            var (id, schedule, expectedVersion) = changes[i];
            var current = await GetAsync(id, cancellationToken);
            if (current is null)
            {
                return ([], i, new EntityUpdate(EntityUpdateOutcome.NotFound, null));
            }

            var version = expectedVersion ?? current.Version;
            var changed = version == current.Version
                ? await Owned.Where(r => r.Id == id && r.Version == version).ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.PublishAt, schedule.PublishAt)
                    .SetProperty(r => r.UnpublishAt, schedule.UnpublishAt)
                    .SetProperty(r => r.Version, version + 1)
                    .SetProperty(r => r.UpdatedAt, now), cancellationToken)
                : 0;
            if (changed != 1)
            {
                return ([], i, new EntityUpdate(EntityUpdateOutcome.Conflict, await GetAsync(id, cancellationToken) ?? current));
            }

            updated.Add(current with { PublishAt = schedule.PublishAt, UnpublishAt = schedule.UnpublishAt, Version = version + 1, UpdatedAt = now });
        }

        await transaction.CommitAsync(cancellationToken);
        return (updated, -1, null);
    }

    /// <summary>Which store the entities are in (the query tools write its SQL dialect).</summary>
    public StoreProvider Provider => data.Provider;

    /// <summary>Runs a read-only query over the tenant's entities only (see <see cref="TenantData{TEntity}.QueryAsync"/>).</summary>
    public Task<IReadOnlyList<object?[]>> QueryAsync(string sql, IReadOnlyList<object?> parameters, CancellationToken cancellationToken)
        => data.QueryAsync(sql, parameters, cancellationToken);

    /// <summary>How many entities the tenant has per model (one grouped count in the database).</summary>
    public async Task<IReadOnlyDictionary<string, int>> CountByModelAsync(CancellationToken cancellationToken)
        => await Owned.GroupBy(r => r.Model).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, StringComparer.Ordinal, cancellationToken);

    /// <summary>Deletes a record; returns it as it was, or null when the tenant has no such record.</summary>
    public async Task<StoredEntity?> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var current = await GetAsync(id, cancellationToken);
        if (current is null)
        {
            return null;
        }

        var deleted = await Owned.Where(r => r.Id == id).ExecuteDeleteAsync(cancellationToken);
        return deleted == 1 ? current : null;
    }

    private async Task<StoredEntity?> FindByIdempotencyKeyAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        var entity = await Owned.AsNoTracking().FirstOrDefaultAsync(r => r.IdempotencyKey == idempotencyKey, cancellationToken);
        return entity is null ? null : Snapshot(entity);
    }

    private EntityRow NewEntity(NewEntity record, string createdBy, string? idempotencyKey, DateTimeOffset now) => new()
    {
        TenantId = TenantId,
        Id = Ids.New(),
        Model = record.Model,
        Data = record.Data,
        CreatedBy = createdBy,
        CreatedAt = now,
        UpdatedAt = now,
        Version = 1,
        IdempotencyKey = idempotencyKey,
        PublishAt = record.PublishAt,
        UnpublishAt = record.UnpublishAt,
    };

    /// <summary>Now, at the store's precision (milliseconds), so a record reads back exactly as it was returned.</summary>
    public DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());

    private static StoredEntity Snapshot(EntityRow entity)
        => new(entity.TenantId, entity.Id, entity.Model, entity.Data, entity.Version, entity.CreatedBy, entity.CreatedAt, entity.UpdatedAt, entity.PublishAt, entity.UnpublishAt);
}
