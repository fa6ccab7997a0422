using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portico.Catalog;
using Portico.Storage;

namespace Portico.Tools.Records;

/// <summary>
/// The models of one tenant, read from the store on every call: a model is usable on every instance the moment the call
/// that stored it returns, because there is no copy of it anywhere to go stale. With <paramref name="indexes"/> (the model
/// tools), storing a model also makes the store indexes its index hints ask for; with <paramref name="countEntities"/>
/// (the same tenant's <see cref="TenantEntities.CountByModelAsync"/>), the library status counts each model's entities.
/// </summary>
internal sealed class TenantModels(
    TenantData<ModelRow> data,
    TimeProvider time,
    ModelIndexes? indexes = null,
    Func<CancellationToken, Task<IReadOnlyDictionary<string, int>>>? countEntities = null)
{
    public const string CatalogOrigin = "catalog";
    public const string DefinedOrigin = "defined";

    public string TenantId => data.TenantId;

    /// <summary>Every model of the tenant, by name then version.</summary>
    public async Task<IReadOnlyList<ModelRow>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await data.Rows.AsNoTracking().ToListAsync(cancellationToken);
        return [.. rows.OrderBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Version)];
    }

    /// <summary>Makes sure the store has an index for each of the model's index hints; returns the paths it could not index.</summary>
    public async Task<IReadOnlyList<string>> EnsureIndexesAsync(ModelRow model, CancellationToken cancellationToken)
        => indexes is null ? [] : await indexes.EnsureAsync(ModelDefinition.From(model).Indexes, cancellationToken);

    /// <summary>The names of the attribute indexes the store has now (see <see cref="AttributeIndex.Name"/>).</summary>
    public async Task<IReadOnlySet<string>> ExistingIndexesAsync(CancellationToken cancellationToken)
        => indexes is null ? new HashSet<string>() : await indexes.ExistingAsync(cancellationToken);

    /// <summary>How many entities the tenant has per model (one grouped count in the database).</summary>
    public async Task<IReadOnlyDictionary<string, int>> CountEntitiesAsync(CancellationToken cancellationToken)
        => countEntities is null ? new Dictionary<string, int>() : await countEntities(cancellationToken);

    public async Task<ModelRow?> FindAsync(ModelId id, CancellationToken cancellationToken)
    {
        var key = id.ToString();
        return await data.Rows.AsNoTracking().FirstOrDefaultAsync(m => m.Id == key, cancellationToken);
    }

    /// <summary>
    /// Stores a model. A model with this id already there is kept: the same definition is <see cref="ModelAddOutcome.AlreadyPresent"/>,
    /// another one <see cref="ModelAddOutcome.Conflicting"/>. Two concurrent calls are settled by the primary key.
    /// </summary>
    public async Task<(ModelAddOutcome Outcome, ModelRow Model)> AddAsync(ModelDefinition definition, string origin, string createdBy, CancellationToken cancellationToken)
    {
        if (await FindAsync(definition.Id, cancellationToken) is { } existing)
        {
            return (ModelDefinition.From(existing).SameAs(definition) ? ModelAddOutcome.AlreadyPresent : ModelAddOutcome.Conflicting, existing);
        }

        var row = new ModelRow
        {
            TenantId = TenantId,
            Id = definition.Id.ToString(),
            Name = definition.Id.Name,
            Version = definition.Id.Version,
            Schema = definition.Schema,
            Display = definition.Display,
            Indexes = new JsonArray([.. definition.Indexes.Select(i => JsonValue.Create(i))]).ToJsonString(),
            Publishable = definition.Publishable,
            Origin = origin,
            CreatedBy = createdBy,
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds()),
        };
        data.Add(row);
        try
        {
            await data.SaveChangesAsync(cancellationToken);
            return (ModelAddOutcome.Added, row);
        }
        catch (DbUpdateException ex) when (StoreFailure.IsUniqueViolation(ex))
        {
            data.Forget();
            var winner = await FindAsync(definition.Id, cancellationToken) ?? throw new InvalidOperationException("A model insert lost a race to a row that is gone.", ex);
            return (ModelDefinition.From(winner).SameAs(definition) ? ModelAddOutcome.AlreadyPresent : ModelAddOutcome.Conflicting, winner);
        }
    }
}
