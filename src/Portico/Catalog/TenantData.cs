using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Portico.Storage;

namespace Portico.Catalog;

/// <summary>
/// One tenant's rows of a pack's table, and the only way a tenant-scoped tool reaches them: every query starts from
/// <see cref="Rows"/> (filtered by the tenant the pipeline resolved), every insert is stamped with that tenant, and a save
/// refuses a tracked row of another tenant or one moved to another tenant. The tool never holds the DbContext, so it has
/// no way to name another tenant's data.
/// </summary>
internal sealed class TenantData<TEntity>
    where TEntity : class, ITenantOwned
{
    private readonly PorticoDbContext _db;

    public TenantData(PorticoDbContext db, string tenantId)
    {
        _db = db;
        TenantId = tenantId;
    }

    public string TenantId { get; }

    /// <summary>The tenant's rows; compose queries, updates (<c>ExecuteUpdateAsync</c>) and deletes from here.</summary>
    public IQueryable<TEntity> Rows => _db.Set<TEntity>().Where(e => e.TenantId == TenantId);

    public void Add(TEntity entity)
    {
        entity.TenantId = TenantId;
        _db.Set<TEntity>().Add(entity);
    }

    public void AddRange(IEnumerable<TEntity> entities)
    {
        foreach (var entity in entities)
        {
            Add(entity);
        }
    }

    public void Remove(TEntity entity)
    {
        if (entity.TenantId != TenantId)
        {
            throw Foreign();
        }

        _db.Set<TEntity>().Remove(entity);
    }

    public async Task<int> SaveChangesAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in _db.ChangeTracker.Entries<TEntity>())
        {
            if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted
                && (entry.Entity.TenantId != TenantId || (entry.State != EntityState.Added && (string?)entry.Property(nameof(ITenantOwned.TenantId)).OriginalValue != TenantId)))
            {
                throw Foreign();
            }
        }

        return await _db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// The same tenant's rows of another table of the pack (a pack with several tables, such as the records pack's models
    /// and entities): bound to this tenant, so the handler still cannot name another.
    /// </summary>
    public TenantData<TOther> Of<TOther>()
        where TOther : class, ITenantOwned => new(_db, TenantId);

    /// <summary>Which database the rows are in, for a pack that writes SQL of its own (<see cref="QueryAsync"/>).</summary>
    public StoreProvider Provider => _db.Database.ProviderName?.Contains("Npgsql", StringComparison.Ordinal) == true ? StoreProvider.Postgres : StoreProvider.Sqlite;

    /// <summary>
    /// Runs a read-only SQL query a pack built over its own table, for what LINQ cannot say (JSON paths, aggregates). The
    /// SQL names the table only as <c>{rows}</c>, which becomes the tenant's rows —
    /// <c>(SELECT * FROM table WHERE tenant_id = @tenant)</c>, the tenant bound as a parameter — so the query cannot reach
    /// another tenant's rows. Values go in <paramref name="parameters"/> (<c>@p0</c>, <c>@p1</c>, …), never into the text.
    /// </summary>
    public async Task<IReadOnlyList<object?[]>> QueryAsync(string sql, IReadOnlyList<object?> parameters, CancellationToken cancellationToken)
    {
        var table = _db.Model.FindEntityType(typeof(TEntity))?.GetTableName()
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not mapped to a table.");
        var connection = _db.Database.GetDbConnection();
        await _db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.Transaction = _db.Database.CurrentTransaction?.GetDbTransaction();
            command.CommandText = sql.Replace("{rows}", $"(SELECT * FROM {table} WHERE tenant_id = @tenant) AS rows", StringComparison.Ordinal);
            AddParameter(command, "@tenant", TenantId);
            for (var i = 0; i < parameters.Count; i++)
            {
                AddParameter(command, "@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), parameters[i]);
            }

            var rows = new List<object?[]>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var row = new object?[reader.FieldCount];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                }

                rows.Add(row);
            }

            return rows;
        }
        finally
        {
            await _db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>For writes that must all happen or none.</summary>
    public Task<IDbContextTransaction> BeginTransactionAsync(CancellationToken cancellationToken) => _db.Database.BeginTransactionAsync(cancellationToken);

    /// <summary>Forgets tracked rows (after a failed save, before reading again).</summary>
    public void Forget() => _db.ChangeTracker.Clear();

    private static void AddParameter(System.Data.Common.DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    private InvalidOperationException Foreign()
        => new($"A {typeof(TEntity).Name} of another tenant cannot be changed through tenant '{TenantId}''s data.");
}
