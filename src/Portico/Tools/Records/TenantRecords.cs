using Microsoft.EntityFrameworkCore;
using Portico.Access;
using Portico.Catalog;
using Portico.Storage;

namespace Portico.Tools.Records;

/// <summary>
/// The records of one tenant, and the only way to read or write records: built on the tenant's
/// <see cref="TenantData{TEntity}"/> (every query filtered by the tenant id, every insert stamped with it),
/// which the pack binds to the tenant the policy pipeline resolved for the call, so a tool cannot name another.
/// </summary>
internal sealed class TenantRecords(TenantData<RecordEntity> data, TimeProvider time)
{
    /// <summary>Attempts of an update without <c>expectedVersion</c> that keeps losing to concurrent writers.</summary>
    private const int UpdateAttempts = 5;

    public string TenantId => data.TenantId;

    private IQueryable<RecordEntity> Owned => data.Rows;

    public async Task<StoredRecord?> GetAsync(string id, CancellationToken cancellationToken)
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
            query = query.Where(r => r.Collection == collection);
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
    public async Task<(StoredRecord Record, bool Duplicate)> CreateAsync(NewRecord record, string createdBy, string? idempotencyKey, CancellationToken cancellationToken)
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
    public async Task<IReadOnlyList<StoredRecord>> CreateManyAsync(IReadOnlyList<NewRecord> records, string createdBy, CancellationToken cancellationToken)
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
    public async Task<RecordUpdate> UpdateAsync(string id, string data, int? expectedVersion, CancellationToken cancellationToken)
    {
        StoredRecord? current = null;
        for (var attempt = 0; attempt < UpdateAttempts; attempt++)
        {
            current = await GetAsync(id, cancellationToken);
            if (current is null)
            {
                return new RecordUpdate(RecordUpdateOutcome.NotFound, null);
            }

            if (expectedVersion is { } expected && expected != current.Version)
            {
                return new RecordUpdate(RecordUpdateOutcome.Conflict, current);
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
                return new RecordUpdate(RecordUpdateOutcome.Updated, current with { Data = data, Version = readVersion + 1, UpdatedAt = now });
            }
        }

        return new RecordUpdate(RecordUpdateOutcome.Conflict, current);
    }

    /// <summary>Deletes a record; returns it as it was, or null when the tenant has no such record.</summary>
    public async Task<StoredRecord?> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var current = await GetAsync(id, cancellationToken);
        if (current is null)
        {
            return null;
        }

        var deleted = await Owned.Where(r => r.Id == id).ExecuteDeleteAsync(cancellationToken);
        return deleted == 1 ? current : null;
    }

    private async Task<StoredRecord?> FindByIdempotencyKeyAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        var entity = await Owned.AsNoTracking().FirstOrDefaultAsync(r => r.IdempotencyKey == idempotencyKey, cancellationToken);
        return entity is null ? null : Snapshot(entity);
    }

    private RecordEntity NewEntity(NewRecord record, string createdBy, string? idempotencyKey, DateTimeOffset now) => new()
    {
        TenantId = TenantId,
        Id = Ids.New(),
        Collection = record.Collection,
        Data = record.Data,
        CreatedBy = createdBy,
        CreatedAt = now,
        UpdatedAt = now,
        Version = 1,
        IdempotencyKey = idempotencyKey,
    };

    /// <summary>Now, at the store's precision (milliseconds), so a record reads back exactly as it was returned.</summary>
    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());

    private static StoredRecord Snapshot(RecordEntity entity)
        => new(entity.TenantId, entity.Id, entity.Collection, entity.Data, entity.Version, entity.CreatedBy, entity.CreatedAt, entity.UpdatedAt);
}
